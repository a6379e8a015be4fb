package dev.remit.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures the heap an active grant occupies: builds the {@link ScalingWorld} policy (with its
 * filler agents) and a decision point, forces full GCs and reads the used heap, issues the grants,
 * forces full GCs again and reads it again; the difference divided by the number of grants is the
 * cost of one grant (its record, compiled scopes and constraints, runtime node and index entries).
 *
 * <pre>
 * java -Xmx1g -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar dev.remit.bench.GrantMemory 1000000
 * </pre>
 *
 * A second argument {@code histo} prints the class histogram of the live heap afterwards.
 * Exits non-zero (OutOfMemoryError) if the grants do not fit in the heap given.
 */
public final class GrantMemory {
  private GrantMemory() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long t0 = System.nanoTime();
    ScalingWorld world = ScalingWorld.create(n, 1, false);
    long base = usedAfterGc(mem);
    world.fill();
    long t1 = System.nanoTime();
    long after = usedAfterGc(mem);
    long max = Runtime.getRuntime().maxMemory();
    // keep the world reachable until after the measurement
    boolean allowed = world.remit.authorize(world.requests(1, 1)[0]).allowed();
    System.out.printf("grants=%d fillerAgents=%d maxHeap=%dMiB%n", n, ScalingWorld.fillerAgents(n, 1), max >> 20);
    System.out.printf("heapBeforeGrants=%.1fMiB heapAfterGrants=%.1fMiB delta=%.1fMiB%n",
        base / 1048576.0, after / 1048576.0, (after - base) / 1048576.0);
    System.out.printf("bytesPerGrant=%.0f setupSeconds=%.1f allowedAfter=%s%n",
        (after - base) / (double) (n - 1), (t1 - t0) / 1e9, allowed);
    if (args.length > 1 && args[1].equals("histo")) {
      new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start().waitFor();
    }
    System.out.println(world.grants);
  }

  static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int k = 0; k < 5; k++) {
      System.gc();
      Thread.sleep(100);
      best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
    }
    return best;
  }
}
