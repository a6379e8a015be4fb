package dev.remit;

import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A grant issued while cached decisions are being made never lets a cached ALLOW skip its constraint. */
class DecisionCacheRaceTest {
  private static Request call(String x) {
    return Request.of("worker", "crm", "read").resource("c/1").arg("x", x).build();
  }

  @Test
  void aConstrainedGrantIssuedDuringCachedDecisionsNeverAllowsAValueItsConstraintRefuses() throws Exception {
    for (int iteration = 0; iteration < 300; iteration++) {
      Remit remit = remit(base().build(), clock(), true);
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch running = new CountDownLatch(3);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        Thread th = new Thread(() -> {
          running.countDown();
          while (!stop.get()) {
            remit.authorize(call("good")); // fills the cache as soon as the grant is seen
            remit.authorize(call(null));
          }
        });
        ts.add(th);
        th.start();
      }
      running.await();
      Fixtures.issue(remit, rootGrant("g", "worker").allow("crm", List.of("read"), "c/**").constraint("args.x in [good]"));
      Decision bad = remit.authorize(call("bad"));
      stop.set(true);
      for (Thread th : ts) {
        th.join();
      }
      assertThat(bad.outcome()).as("iteration %d: %s", iteration, bad.explain()).isNotEqualTo(Outcome.ALLOW);
      assertThat(remit.authorize(call("bad")).outcome()).isNotEqualTo(Outcome.ALLOW);
      assertThat(remit.authorize(call("good")).outcome()).isEqualTo(Outcome.ALLOW);
      remit.close();
    }
  }
}
