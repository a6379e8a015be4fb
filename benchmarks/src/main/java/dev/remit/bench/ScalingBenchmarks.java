package dev.remit.bench;

import dev.remit.Decision;
import dev.remit.Request;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How the uncached decision cost grows with the number of active grants in the system and with
 * the length of the delegation chain ({@link ScalingWorld}), and a 2-thread throughput run of the
 * cached and uncached paths on one shared decision point.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'ScalingBenchmarks' -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc
 * </pre>
 *
 * <p>Forks get {@code -Xmx4g}: setting up 1,000,000 grants needs the room (the heap they occupy is
 * measured separately by {@link GrantMemory}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Xms4g"})
public class ScalingBenchmarks {
  static final int N = 1024;
  static final int MASK = N - 1;

  /** One decision point per parameter pair, cache off. */
  @State(Scope.Benchmark)
  public static class World {
    @Param({"10", "1000", "100000", "1000000"})
    public int grants;

    @Param({"1", "2", "4", "8"})
    public int chainDepth;

    ScalingWorld world;
    Request[] requests;

    @Setup
    public void setUp() {
      world = ScalingWorld.create(grants, chainDepth, false).fill();
      requests = world.requests(N, 42);
      for (Request r : requests) {
        Decision d = world.remit.authorize(r);
        if (!d.allowed()) {
          throw new IllegalStateException("not allowed: " + r + " " + d.reasons());
        }
      }
    }
  }

  /** Shared decision points for the 2-thread runs: 3-link chain among 100,000 grants, cache on and off. */
  @State(Scope.Benchmark)
  public static class Shared {
    @Param({"100000"})
    public int sharedGrants;

    ScalingWorld cached;
    ScalingWorld uncached;
    Request[] requests;

    @Setup
    public void setUp() {
      cached = ScalingWorld.create(sharedGrants, 3, true).fill();
      uncached = ScalingWorld.create(sharedGrants, 3, false).fill();
      requests = cached.requests(N, 42);
      for (Request r : requests) {
        if (!cached.remit.authorize(r).allowed() || !uncached.remit.authorize(r).allowed()) {
          throw new IllegalStateException("not allowed: " + r);
        }
      }
    }
  }

  /** Per-thread position in the request array (threads start at different offsets). */
  @State(Scope.Thread)
  public static class Cursor {
    int i = (int) (Thread.currentThread().getId() * 397);
  }

  /**
   * Uncached authorize() by the last agent of a chainDepth-long chain among `grants` grants;
   * sampled, so the report has the median and p99.9 as well as the mean.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public Decision uncached(World w, Cursor c) {
    return w.world.remit.authorize(w.requests[c.i++ & MASK]);
  }

  /** 2 threads, cache on, 3-link chain, 100,000 grants in the system: decisions per microsecond. */
  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Decision twoThreadsCached(Shared s, Cursor c) {
    return s.cached.remit.authorize(s.requests[c.i++ & MASK]);
  }

  /** 2 threads, cache off, 3-link chain, 100,000 grants in the system: decisions per microsecond. */
  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Decision twoThreadsUncached(Shared s, Cursor c) {
    return s.uncached.remit.authorize(s.requests[c.i++ & MASK]);
  }
}
