package dev.remit.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.remit.Decision;
import dev.remit.Remit;
import dev.remit.Request;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import dev.remit.AuditTrail;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Remit's decision paths on the {@link Scenario} (3-link chain, 100 scope entries, 20 forbid
 * rules, argument constraints), each rotating through {@value #N} distinct allowed requests, with
 * the physical floor of a cache lookup beside them.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'DecisionBenchmarks' -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecisionBenchmarks {
  static final int N = 1024;
  static final int MASK = N - 1;
  /** The request attributes the scenario's constraints and rules read (what the cache keys on). */
  static final String[] KEY_ARGS = {"amount", "currency", "country", "external", "include_pii", "limit"};

  Request[] requests;
  Remit cached;
  Remit cachedAudited;
  AuditTrail trail;
  Remit uncached;
  Cache<FloorKey, Decision> caffeine;
  ConcurrentHashMap<FloorKey, Decision> map;
  FloorKey probe;
  int i;

  @Setup
  public void setUp() {
    requests = requests(N, 42);
    cached = Scenario.remit(true);
    uncached = Scenario.remit(false);
    // what auditing costs the caller: capture + hand-off to the queue; the writer thread digests
    // and hands records to a sink that discards them; DROP so a full queue never blocks the caller
    trail = AuditTrail.builder().sink(record -> { }).whenFull(AuditTrail.QueuePolicy.DROP).build();
    cachedAudited = Remit.builder().policy(Scenario.policy()).clock(Scenario.clock()).audit(trail).build();
    caffeine = Caffeine.newBuilder().maximumSize(Remit.DEFAULT_CACHE_SIZE).build();
    map = new ConcurrentHashMap<>();
    probe = new FloorKey(KEY_ARGS.length);
    for (Request r : requests) {
      Decision d = cached.authorize(r);
      if (!d.allowed() || !uncached.authorize(r).allowed()) {
        throw new IllegalStateException("scenario request not allowed: " + r + " " + d.reasons());
      }
      FloorKey k = new FloorKey(KEY_ARGS.length).fill(r, KEY_ARGS).freeze();
      caffeine.put(k, d);
      map.put(k, d);
    }
    for (Request r : requests) {
      cachedAudited.authorize(r);
    }
    long hitsBefore = cached.cacheStats().hits();
    long auditedHitsBefore = cachedAudited.cacheStats().hits();
    for (Request r : requests) {
      cached.authorize(r);
      cachedAudited.authorize(r);
    }
    if (cachedAudited.cacheStats().hits() - auditedHitsBefore != N) {
      throw new IllegalStateException("the audited warm cache does not serve every request");
    }
    if (cached.cacheStats().enabled() && cached.cacheStats().hits() - hitsBefore != N) {
      throw new IllegalStateException("the warm cache does not serve every scenario request: "
          + cached.cacheStats());
    }
  }

  static Request[] requests(int n, long seed) {
    Scenario.Call[] calls = Scenario.allowedCalls(n, seed);
    Request[] out = new Request[n];
    for (int k = 0; k < n; k++) {
      out[k] = calls[k].toRequest();
    }
    return out;
  }

  /** authorize() on a warm decision cache (every request was decided once in setup). */
  @Benchmark
  public Decision cachedHit() {
    return cached.authorize(requests[i++ & MASK]);
  }

  /** cachedHit with an audit trail attached: the difference is what auditing costs the caller. */
  @Benchmark
  public Decision cachedHitAudited() {
    return cachedAudited.authorize(requests[i++ & MASK]);
  }

  @TearDown
  public void tearDown() {
    trail.close();
    // how many records the writer kept up with; the rest met a full queue and were dropped (DROP)
    System.out.println("audit trail of cachedHitAudited: " + trail.stats());
  }

  /** authorize() with the cache off: the full evaluation of the chain, rules and constraints. */
  @Benchmark
  public Decision uncachedNative() {
    return uncached.authorize(requests[i++ & MASK]);
  }

  /** Caffeine.getIfPresent with the cache's key built from the request: the floor for a hit. */
  @Benchmark
  public Decision caffeineFloor() {
    return caffeine.getIfPresent(probe.fill(requests[i++ & MASK], KEY_ARGS));
  }

  /** ConcurrentHashMap.get with the same key: the floor without Caffeine's bookkeeping. */
  @Benchmark
  public Decision mapFloor() {
    return map.get(probe.fill(requests[i++ & MASK], KEY_ARGS));
  }
}
