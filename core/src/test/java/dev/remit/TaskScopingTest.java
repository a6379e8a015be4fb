package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Task scoping, the secure default: a grant bound to a task serves only requests naming that task,
 * and a request naming no task is served only by grants without one. Neither matching nor budgets
 * nor the reasons given cross tasks; for document and runtime grants, with and without the cache.
 */
class TaskScopingTest {
  enum Source {
    DOCUMENT,
    RUNTIME
  }

  static Stream<Arguments> worlds() {
    List<Arguments> out = new ArrayList<>();
    for (Source s : Source.values()) {
      for (boolean cached : new boolean[] {true, false}) {
        out.add(Arguments.of(s, cached));
      }
    }
    return out.stream();
  }

  /**
   * worker holds: {@code plain} (no task, crm read, 5 calls), {@code t1} (task T-1, payments, 2
   * calls), {@code t2} (task T-2, s3).
   */
  private static Remit world(Source source, boolean cached) {
    List<Grant.Builder> grants = List.of(
        rootGrant("plain", "worker").allow("crm", List.of("read"), "crm/**").maxCalls(5),
        rootGrant("t1", "worker").task("T-1").allow("payments", ALL_OPS, "acct/**").maxCalls(2),
        rootGrant("t2", "worker").task("T-2").allow("s3", ALL_OPS, "**"));
    Policy.Builder p = base();
    if (source == Source.DOCUMENT) {
      grants.forEach(g -> p.grant(g.build()));
    }
    Remit remit = Fixtures.remit(p.build(), Fixtures.clock(), cached);
    if (source == Source.RUNTIME) {
      grants.forEach(g -> Fixtures.issue(remit, g));
    }
    return remit;
  }

  private static Request pay(String task) {
    Request.Builder b = call("worker", "payments", "transfer", "acct/1").arg("amount", 1);
    return (task == null ? b : b.task(task)).build();
  }

  private static Request read(String task) {
    Request.Builder b = call("worker", "crm", "read", "crm/1");
    return (task == null ? b : b.task(task)).build();
  }

  private static Request get(String task) {
    Request.Builder b = call("worker", "s3", "get", "bucket/1");
    return (task == null ? b : b.task(task)).build();
  }

  private static void assertNoGrant(Decision d, String message) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).as(d.explain()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
    assertThat(d.reasons().get(0).message()).isEqualTo(message);
    assertThat(d.grant()).isNull();
  }

  @ParameterizedTest(name = "{0}, cached {1}")
  @MethodSource("worlds")
  void aRequestWithoutATaskIsServedOnlyByGrantsWithoutOneAndSpendsNoTaskBudget(Source source, boolean cached) {
    try (Remit remit = world(source, cached)) {
      for (int i = 0; i < 3; i++) {
        assertNoGrant(remit.authorize(pay(null)),
            "no grant held by 'worker' covers payments.transfer on 'acct/1' (outside its remit)");
        assertNoGrant(remit.authorize(get(null)),
            "no grant held by 'worker' covers s3.get on 'bucket/1' (outside its remit)");
      }
      Decision d = remit.authorize(read(null));
      assertThat(d.allowed()).isTrue();
      assertThat(d.grant()).isEqualTo("plain");
      assertThat(d.chain().hops().get(0).task()).isNull();
      assertThat(remit.remainingCalls("t1")).isEqualTo(2);
      assertThat(remit.remainingCalls("plain")).isEqualTo(4);
    }
  }

  @ParameterizedTest(name = "{0}, cached {1}")
  @MethodSource("worlds")
  void aRequestWithATaskIsServedOnlyByThatTasksGrants(Source source, boolean cached) {
    try (Remit remit = world(source, cached)) {
      Decision d = remit.authorize(pay("T-1"));
      assertThat(d.allowed()).isTrue();
      assertThat(d.grant()).isEqualTo("t1");
      assertThat(d.chain().hops().get(0).task()).isEqualTo("T-1");
      assertThat(d.reasons().get(0).message()).contains("for task 'T-1'");

      assertNoGrant(remit.authorize(read("T-1")),
          "no grant held by 'worker' for task 'T-1' covers crm.read on 'crm/1' (outside its remit)");
      assertNoGrant(remit.authorize(get("T-1")),
          "no grant held by 'worker' for task 'T-1' covers s3.get on 'bucket/1' (outside its remit)");
      assertNoGrant(remit.authorize(pay("T-2")),
          "no grant held by 'worker' for task 'T-2' covers payments.transfer on 'acct/1' (outside its remit)");
      assertThat(remit.authorize(get("T-2")).grant()).isEqualTo("t2");
      for (String other : List.of("T-3", "t-1", "T-1x", "T")) {
        assertNoGrant(remit.authorize(pay(other)), "no grant held by 'worker' for task '" + other
            + "' covers payments.transfer on 'acct/1' (outside its remit)");
        assertThat(remit.authorize(read(other)).allowed()).as("task %s reading with a task-less grant", other).isFalse();
      }
      assertThat(remit.remainingCalls("t1")).isEqualTo(1);
      assertThat(remit.remainingCalls("plain")).as("requests with a task never spend a task-less grant").isEqualTo(5);
    }
  }

  @ParameterizedTest(name = "{0}, cached {1}")
  @MethodSource("worlds")
  void aDecisionForOneTaskIsNeverReusedForAnotherOrForNone(Source source, boolean cached) {
    try (Remit remit = world(source, cached)) {
      List<String> seen = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (String task : new String[] {"T-1", null, "T-2", "T-1"}) {
          Decision d = remit.authorize(pay(task));
          seen.add(task + "=" + (d.allowed() ? "ALLOW" : d.codes().get(0).name()));
        }
      }
      assertThat(seen).containsExactly(
          "T-1=ALLOW", "null=NO_MATCHING_GRANT", "T-2=NO_MATCHING_GRANT", "T-1=ALLOW",
          "T-1=MAX_CALLS_EXHAUSTED", "null=NO_MATCHING_GRANT", "T-2=NO_MATCHING_GRANT", "T-1=MAX_CALLS_EXHAUSTED",
          "T-1=MAX_CALLS_EXHAUSTED", "null=NO_MATCHING_GRANT", "T-2=NO_MATCHING_GRANT", "T-1=MAX_CALLS_EXHAUSTED");
    }
  }

  @ParameterizedTest(name = "{0}, cached {1}")
  @MethodSource("worlds")
  void anEndedGrantOfAnotherTaskNeverExplainsADenial(Source source, boolean cached) {
    try (Remit remit = world(source, cached)) {
      assertThat(remit.authorize(pay("T-1")).allowed()).isTrue();
      remit.revokeGrant("t1");
      Decision own = remit.authorize(pay("T-1"));
      assertThat(own.codes()).containsExactly(ReasonCode.GRANT_REVOKED);
      assertThat(own.reasons().get(0).message()).isEqualTo("grant 't1' was revoked");
      // the revoked grant is T-1's: a request for no task or another task is simply not covered
      assertNoGrant(remit.authorize(pay(null)),
          "no grant held by 'worker' covers payments.transfer on 'acct/1' (outside its remit)");
      assertNoGrant(remit.authorize(pay("T-2")),
          "no grant held by 'worker' for task 'T-2' covers payments.transfer on 'acct/1' (outside its remit)");
    }
  }

  @ParameterizedTest(name = "{0}, cached {1}")
  @MethodSource("worlds")
  void aTaskBoundSubGrantServesOnlyItsTask(Source source, boolean cached) {
    try (Remit remit = world(source, cached)) {
      // worker delegates its T-1 authority to helper, for T-1 only
      Grant sub = remit.delegate("worker", Fixtures.subGrant("t1-sub", "t1", "helper").task("T-1")
          .allow("payments", ALL_OPS, "acct/1").maxCalls(1).build());
      assertThat(sub.principal()).isEqualTo("alice");
      Request forTask = call("helper", "payments", "transfer", "acct/1").arg("amount", 1).task("T-1").build();
      Request noTask = call("helper", "payments", "transfer", "acct/1").arg("amount", 1).build();
      assertNoGrant(remit.authorize(noTask),
          "no grant held by 'helper' covers payments.transfer on 'acct/1' (outside its remit)");
      Decision d = remit.authorize(forTask);
      assertThat(d.allowed()).as(d.explain()).isTrue();
      assertThat(d.chain().hops()).extracting(DelegationChain.Hop::task).containsExactly("T-1", "T-1");
      assertThat(remit.remainingCalls("t1")).as("the sub-grant's call charged its parent").isEqualTo(1);
    }
  }
}
