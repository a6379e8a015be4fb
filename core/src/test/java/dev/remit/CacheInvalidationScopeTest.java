package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision cache invalidates per agent: a change leaves the cached decisions of agents it does
 * not concern alone (they stay hits), and removes those of every agent it concerns before it
 * returns, on every thread.
 *
 * <p>The world: alice -> orch ({@code oroot}) -> worker ({@code wsub}), payments; alice ->
 * bot.planner ({@code comp}, a component of bot), payments; alice -> bot ({@code b}), s3; bob ->
 * helper ({@code h}), crm.
 */
@Timeout(60)
class CacheInvalidationScopeTest {
  private static Remit world() {
    Remit remit = Fixtures.remit(base().build(), Fixtures.clock());
    Fixtures.issue(remit, rootGrant("oroot", "orch").allow("payments", ALL_OPS, "acct/**"));
    Fixtures.issue(remit, subGrant("wsub", "oroot", "worker").allow("payments", ALL_OPS, "acct/**"));
    Fixtures.issue(remit, rootGrant("comp", "bot.planner").allow("payments", ALL_OPS, "acct/**"));
    Fixtures.issue(remit, rootGrant("b", "bot").allow("s3", ALL_OPS, "**"));
    Fixtures.issue(remit, Grant.builder("h").principal("bob").holder("helper").expiresAt(Fixtures.IN_ONE_HOUR)
        .allow("crm", ALL_OPS, "crm/**"));
    return remit;
  }

  private static Request pay(String subject) {
    return call(subject, "payments", "transfer", "acct/1").arg("amount", 1).build();
  }

  private static final Request HELPER = call("helper", "crm", "read", "crm/1").build();
  private static final Request WORKER = pay("worker");

  // ------------------------------------------------------------------ changes that concern someone else

  static Stream<Arguments> unrelatedChanges() {
    return Stream.of(
        Arguments.of("a grant issued to another agent", HELPER, (Consumer<Remit>) r ->
            Fixtures.issue(r, rootGrant("b2", "bot").allow("db", ALL_OPS, "**"))),
        Arguments.of("a sub-grant delegated to another agent", HELPER, (Consumer<Remit>) r ->
            r.delegate("bot", subGrant("b-sub", "b", "bot.connector").allow("s3", ALL_OPS, "x/**").build())),
        Arguments.of("another agent's grant revoked", HELPER, (Consumer<Remit>) r -> r.revokeGrant("b")),
        Arguments.of("another agent suspended", HELPER, (Consumer<Remit>) r -> r.suspendAgent("bot")),
        Arguments.of("another agent revoked", HELPER, (Consumer<Remit>) r -> r.revokeAgent("orch")),
        Arguments.of("another principal restricted", HELPER, (Consumer<Remit>) r ->
            r.restrictEntitlements("alice", List.of(Scope.all("s3", "**")))),
        Arguments.of("another principal restricted (for worker)", WORKER, (Consumer<Remit>) r ->
            r.restrictEntitlements("bob", List.of(Scope.of("crm", List.of("read"), "crm/public/**")))),
        Arguments.of("another agent's component suspended", WORKER, (Consumer<Remit>) r -> r.suspendAgent("bot.connector")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unrelatedChanges")
  void aChangeThatConcernsAnotherAgentLeavesThisAgentsCachedDecisionsHits(String what, Request mine, Consumer<Remit> change) {
    try (Remit remit = world()) {
      Decision before = remit.authorize(mine);
      assertThat(before.allowed()).as(before.explain()).isTrue();
      assertThat(remit.authorize(mine).allowed()).isTrue();
      Decision deniedBefore = remit.authorize(call(mine.subject(), "db", "migrate", "prod/1").build());
      assertThat(deniedBefore.allowed()).isFalse();
      CacheStats s0 = remit.cacheStats();
      assertThat(s0.hits()).isEqualTo(1);

      change.accept(remit);

      Decision after = remit.authorize(mine);
      Decision deniedAfter = remit.authorize(call(mine.subject(), "db", "migrate", "prod/1").build());
      CacheStats s1 = remit.cacheStats();
      assertThat(after.allowed()).isTrue();
      assertThat(deniedAfter.codes()).isEqualTo(deniedBefore.codes());
      assertThat(s1.hits() - s0.hits()).as("%s: both served from the cache", what).isEqualTo(2);
      assertThat(s1.misses()).isEqualTo(s0.misses());
      assertThat(s1.invalidated()).isEqualTo(s0.invalidated());
    }
  }

  // ------------------------------------------------------------------ changes that concern the agent

  static Stream<Arguments> concerningChanges() {
    return Stream.of(
        Arguments.of("its grant revoked", WORKER, (Consumer<Remit>) r -> r.revokeGrant("wsub"), ReasonCode.GRANT_REVOKED),
        Arguments.of("an ancestor revoked", WORKER, (Consumer<Remit>) r -> r.revokeGrant("oroot"), ReasonCode.GRANT_REVOKED),
        Arguments.of("its delegator suspended", WORKER, (Consumer<Remit>) r -> r.suspendAgent("orch"), ReasonCode.DELEGATOR_INACTIVE),
        Arguments.of("its delegator revoked", WORKER, (Consumer<Remit>) r -> r.revokeAgent("orch"), ReasonCode.DELEGATOR_INACTIVE),
        Arguments.of("itself suspended", WORKER, (Consumer<Remit>) r -> r.suspendAgent("worker"), ReasonCode.AGENT_SUSPENDED),
        Arguments.of("its parent agent suspended", pay("bot.planner"), (Consumer<Remit>) r -> r.suspendAgent("bot"),
            ReasonCode.AGENT_SUSPENDED),
        Arguments.of("its parent agent revoked", pay("bot.planner"), (Consumer<Remit>) r -> r.revokeAgent("bot"),
            ReasonCode.AGENT_REVOKED),
        Arguments.of("its principal restricted", WORKER, (Consumer<Remit>) r ->
            r.restrictEntitlements("alice", List.of(Scope.all("crm", "**"))), ReasonCode.PRINCIPAL_NOT_ENTITLED),
        Arguments.of("its principal restricted (a component)", pay("bot.planner"), (Consumer<Remit>) r ->
            r.restrictEntitlements("alice", List.of(Scope.all("crm", "**"))), ReasonCode.PRINCIPAL_NOT_ENTITLED),
        Arguments.of("its principal restricted (bob's helper)", HELPER, (Consumer<Remit>) r ->
            r.restrictEntitlements("bob", List.of(Scope.all("crm", "crm/public/**"))), ReasonCode.PRINCIPAL_NOT_ENTITLED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("concerningChanges")
  void aChangeThatConcernsTheAgentRemovesItsCachedAllowAtOnce(String what, Request mine, Consumer<Remit> change,
      ReasonCode code) {
    try (Remit remit = world()) {
      assertThat(remit.authorize(mine).allowed()).isTrue();
      assertThat(remit.authorize(mine).allowed()).isTrue();
      long hits = remit.cacheStats().hits();
      assertThat(hits).isEqualTo(1);

      change.accept(remit);

      Decision d = remit.authorize(mine);
      assertThat(d.outcome()).as("%s: %s", what, d.explain()).isEqualTo(Outcome.DENY);
      assertThat(d.codes()).as(d.explain()).contains(code);
      assertThat(remit.cacheStats().hits()).as("not served from the cache").isEqualTo(hits);
      assertThat(remit.authorize(mine).codes()).as("the denial may be cached, never the old ALLOW").contains(code);
    }
  }

  static Stream<Arguments> wideningChanges() {
    return Stream.of(
        Arguments.of("a grant issued to it", (Consumer<Remit>) r -> Fixtures.issue(r, rootGrant("w2", "worker")
            .allow("db", ALL_OPS, "**"))),
        Arguments.of("a sub-grant delegated to it", (Consumer<Remit>) r -> {
          Fixtures.issue(r, rootGrant("odb", "orch").allow("db", ALL_OPS, "**"));
          r.delegate("orch", subGrant("wdb", "odb", "worker").allow("db", ALL_OPS, "prod/**").build());
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wideningChanges")
  void aChangeThatWidensTheAgentRemovesItsCachedDenyAtOnce(String what, Consumer<Remit> change) {
    try (Remit remit = world()) {
      Request migrate = call("worker", "db", "migrate", "prod/1").build();
      assertThat(remit.authorize(migrate).codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
      assertThat(remit.authorize(migrate).codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
      change.accept(remit);
      assertThat(remit.authorize(migrate).allowed()).as(what).isTrue();
    }
  }

  // ------------------------------------------------------------------ the same under threads

  @ParameterizedTest(name = "{0}")
  @MethodSource("concerningChanges")
  void noThreadIsServedTheOldAllowOnceAConcerningChangeHasReturned(String what, Request mine, Consumer<Remit> change,
      ReasonCode code) throws Exception {
    int readers = 3;
    int warmCalls = 200;
    int callsAfter = 300;
    for (int trial = 0; trial < 2; trial++) {
      try (Remit remit = world()) {
        AtomicBoolean changed = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(readers + 1);
        CountDownLatch warm = new CountDownLatch(readers);
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicInteger checked = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < readers; t++) {
          threads.add(new Thread(() -> {
            try {
              start.await();
            } catch (Exception e) {
              violations.add(e.toString());
              return;
            }
            int calls = 0;
            int after = 0;
            while (after < callsAfter && calls < 5_000_000) {
              boolean startedAfter = changed.get();
              Decision d = remit.authorize(mine);
              calls++;
              if (startedAfter) {
                after++;
                if (d.allowed() || !d.codes().contains(code)) {
                  violations.add(d.explain());
                }
              }
              if (calls == warmCalls) {
                warm.countDown();
              }
            }
            checked.addAndGet(after);
          }, "reader-" + t));
        }
        threads.forEach(Thread::start);
        start.await();
        warm.await();
        assertThat(remit.cacheStats().hits()).as("the readers were served from the cache").isPositive();
        change.accept(remit);
        changed.set(true);
        for (Thread t : threads) {
          t.join();
        }
        assertThat(violations).as("%s, trial %d", what, trial).isEmpty();
        assertThat(checked.get()).isEqualTo(readers * callsAfter);
      }
    }
  }
}
