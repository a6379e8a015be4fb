package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.IN_ONE_HOUR;
import static dev.remit.Fixtures.T0;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.spi.StateChange;
import dev.remit.spi.StateStore;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When the clock steps back (NTP, a VM restored, a host's fake clock), a grant already seen
 * expired stays expired, for document and runtime grants and their ancestors, with and without
 * the decision cache, whichever request saw it expire; and no cached decision is served at an
 * instant before the one it was made at.
 */
class ClockStepBackTest {
  enum Where {
    /** The grant that expires is a document grant held by the caller. */
    DOCUMENT_LEAF,
    /** ... a runtime grant held by the caller. */
    RUNTIME_LEAF,
    /** ... a document root above the caller's runtime sub-grant. */
    DOCUMENT_ANCESTOR,
    /** ... a runtime root above the caller's runtime sub-grant. */
    RUNTIME_ANCESTOR,
    /** ... a document root above the caller's document sub-grant. */
    DOCUMENT_CHAIN
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Where w : Where.values()) {
      for (boolean cached : new boolean[] {true, false}) {
        out.add(Arguments.of(w, cached));
      }
    }
    return out.stream();
  }

  /** worker may transfer on acct/** until IN_ONE_HOUR through a grant placed as {@code where} says. */
  private static Remit world(Where where, boolean cached, MutableClock clock) {
    Policy.Builder p = base();
    Grant.Builder expiring = where == Where.DOCUMENT_LEAF || where == Where.RUNTIME_LEAF
        ? rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**")
        : rootGrant("g", "orch").allow("payments", ALL_OPS, "acct/**");
    boolean inDocument = where == Where.DOCUMENT_LEAF || where == Where.DOCUMENT_ANCESTOR || where == Where.DOCUMENT_CHAIN;
    if (inDocument) {
      p.grant(expiring.build());
    }
    if (where == Where.DOCUMENT_CHAIN) {
      p.grant(subGrant("sub", "g", "worker").allow("payments", ALL_OPS, "acct/**").expiresAt(IN_ONE_HOUR).build());
    }
    Remit remit = Fixtures.remit(p.build(), clock, cached);
    if (!inDocument) {
      Fixtures.issue(remit, expiring);
    }
    if (where == Where.DOCUMENT_ANCESTOR || where == Where.RUNTIME_ANCESTOR) {
      Fixtures.issue(remit, subGrant("sub", "g", "worker").allow("payments", ALL_OPS, "acct/**").expiresAt(IN_ONE_HOUR));
    }
    return remit;
  }

  private static Request pay(String resource) {
    return call("worker", "payments", "transfer", resource).arg("amount", 1).build();
  }

  private static void assertExpired(Decision d) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).as(d.explain()).containsAnyOf(ReasonCode.GRANT_EXPIRED, ReasonCode.NO_MATCHING_GRANT);
  }

  @ParameterizedTest(name = "{0}, cached {1}")
  @MethodSource("cases")
  void aGrantSeenExpiredStaysExpiredWhenTheClockStepsBack(Where where, boolean cached) {
    MutableClock clock = Fixtures.clock();
    try (Remit remit = world(where, cached, clock)) {
      assertThat(remit.authorize(pay("acct/1")).allowed()).isTrue();
      clock.set(IN_ONE_HOUR);
      assertExpired(remit.authorize(pay("acct/1")));
      for (Duration back : List.of(Duration.ofMillis(1), Duration.ofMinutes(30), Duration.ofHours(1))) {
        clock.set(IN_ONE_HOUR.minus(back));
        assertExpired(remit.authorize(pay("acct/1")));
        assertExpired(remit.authorize(pay("acct/1"))); // and again, perhaps from the cache
      }
    }
  }

  @ParameterizedTest(name = "{0}, cached {1}")
  @MethodSource("cases")
  void aGrantSeenExpiredByAnotherRequestStaysExpiredForEveryRequestWhenTheClockStepsBack(Where where, boolean cached) {
    MutableClock clock = Fixtures.clock();
    try (Remit remit = world(where, cached, clock)) {
      // a decision the cache may keep until the expiry
      assertThat(remit.authorize(pay("acct/1")).allowed()).isTrue();
      assertThat(remit.authorize(pay("acct/1")).allowed()).isTrue();
      clock.set(IN_ONE_HOUR);
      // the expiry is seen by another request (another cache key)
      assertExpired(remit.authorize(pay("acct/2")));
      clock.set(T0.plusSeconds(1));
      assertExpired(remit.authorize(pay("acct/1")));
      assertExpired(remit.authorize(pay("acct/2")));
      assertExpired(remit.authorize(pay("acct/3")));
    }
  }

  /** A store whose next append waits for a latch, so a change holds the engine's lock meanwhile. */
  static final class HeldStore implements StateStore {
    final StateStore inner = StateStore.inMemory();
    final java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean();
    final java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    @Override
    public long append(long expectedHead, StateChange change) {
      if (hold.compareAndSet(true, false)) {
        holding.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return inner.append(expectedHead, change);
    }

    @Override
    public List<Entry> since(long after, int max) {
      return inner.since(after, max);
    }

    @Override
    public long head() {
      return inner.head();
    }

    @Override
    public Counter counter(String key, java.time.Instant keepUntil) {
      return inner.counter(key, keepUntil);
    }

    @Override
    public void expire(java.time.Instant now) {
      inner.expire(now);
    }

    @Override
    public void subscribe(Runnable listener) {
      inner.subscribe(listener);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRuntimeGrantSeenExpiredWhileAChangeHoldsTheLockStaysExpiredWhenTheClockStepsBack(boolean cached)
      throws InterruptedException {
    MutableClock clock = Fixtures.clock();
    HeldStore store = new HeldStore();
    Remit.Builder b = Remit.builder().policy(base().build()).clock(clock).store(store);
    try (Remit remit = (cached ? b : b.withoutDecisionCache()).build()) {
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      assertThat(remit.authorize(pay("acct/1")).allowed()).isTrue();
      assertThat(remit.authorize(pay("acct/1")).allowed()).isTrue();
      // an unrelated change holds the engine's lock (its store is slow): no decision can sweep now
      store.hold.set(true);
      Thread change = new Thread(() -> remit.suspendAgent("bot"), "slow-change");
      change.start();
      try {
        assertThat(store.holding.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        clock.set(IN_ONE_HOUR);
        assertExpired(remit.authorize(pay("acct/2"))); // seen expired, not swept
        clock.set(T0.plusSeconds(1));
      } finally {
        store.release.countDown();
        change.join();
      }
      assertExpired(remit.authorize(pay("acct/1")));
      assertExpired(remit.authorize(pay("acct/2")));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aCachedDecisionIsNeverServedBeforeTheInstantItWasMadeAt(boolean cached) {
    MutableClock clock = Fixtures.clock();
    TimeWindow businessHours = new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneOffset.UTC,
        Set.of(DayOfWeek.values()));
    try (Remit remit = Fixtures.remit(base().build(), clock, cached)) {
      Fixtures.issue(remit, rootGrant("later", "worker").allow("payments", ALL_OPS, "acct/**")
          .notBefore(T0.plus(Duration.ofMinutes(5))));
      Fixtures.issue(remit, rootGrant("office", "helper").allow("payments", ALL_OPS, "acct/**").window(businessHours));
      Request worker = pay("acct/1");
      Request helper = call("helper", "payments", "transfer", "acct/1").arg("amount", 1).build();

      clock.set(T0.plus(Duration.ofMinutes(10))); // 10:10, after not-before, inside the window
      assertThat(remit.authorize(worker).allowed()).isTrue();
      assertThat(remit.authorize(helper).allowed()).isTrue();

      clock.set(T0.plus(Duration.ofMinutes(1))); // back before not-before
      Decision early = remit.authorize(worker);
      assertThat(early.codes()).as(early.explain()).containsExactly(ReasonCode.GRANT_NOT_YET_VALID);
      clock.set(T0.minus(Duration.ofMinutes(61))); // 08:59, back outside the window
      Decision outside = remit.authorize(helper);
      assertThat(outside.codes()).as(outside.explain()).containsExactly(ReasonCode.OUTSIDE_TIME_WINDOW);

      clock.set(T0.plus(Duration.ofMinutes(10))); // forward again: both valid again
      assertThat(remit.authorize(worker).allowed()).isTrue();
      assertThat(remit.authorize(helper).allowed()).isTrue();
    }
  }
}
