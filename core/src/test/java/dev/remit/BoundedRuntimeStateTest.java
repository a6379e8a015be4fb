package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.T0;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.remit.internal.state.Bucket;
import dev.remit.internal.state.RuntimeState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime state stays bounded by what is active: after 10,000 grants of one agent end (revoked
 * one by one, cut off by their parent's revocation, or expired and swept), none stays in the hot
 * indexes, at most the configured number of ended grants is kept for reasons (the latest ones, which
 * still explain a denial precisely), the holder's buckets go away with them, and ids are not reused
 * while they are remembered. Reads the state through the package-private {@code Remit.engine()}.
 */
@Timeout(120)
class BoundedRuntimeStateTest {
  private static final int GRANTS = 10_000;
  private static final int TASKS = 50;
  private static final int KEPT = 64;
  private static final Instant EXPIRY = T0.plus(Duration.ofHours(1));

  private static Remit remit(MutableClock clock) {
    return Remit.builder().policy(base().build()).clock(clock).endedGrantsKept(KEPT).build();
  }

  private static String task(int i) {
    return "T-" + (i % TASKS);
  }

  /** Grant i covers only acct/i, for task T-(i % 50), expiring at EXPIRY plus i ms. */
  private static Grant.Builder grant(int i) {
    return Grant.builder("g-" + i).principal("alice").holder("worker").task(task(i))
        .allow("payments", ALL_OPS, "acct/" + i).expiresAt(EXPIRY.plusMillis(i));
  }

  private static Request pay(int i) {
    return call("worker", "payments", "transfer", "acct/" + i).arg("amount", 1).task(task(i)).build();
  }

  private static void assertNothingActive(RuntimeState st) {
    assertThat(st.size()).as("active runtime grants").isZero();
    assertThat(st.expiryQueueGrants()).as("grants the expiry queue holds on to").isZero();
    for (int t = 0; t < TASKS; t++) {
      Bucket b = st.bucket("worker", "T-" + t);
      if (b != null) {
        assertThat(Bucket.iterable(b.view())).as("active grants of task T-%d", t).isEmpty();
      }
    }
    assertThat(st.endedKept()).as("ended grants kept for reasons").isLessThanOrEqualTo(KEPT);
    assertThat(st.holders()).as("holders with buckets").isLessThanOrEqualTo(2);
  }

  /** The latest ended grants explain their denial; the oldest are simply not there any more. */
  private static void assertReasons(Remit remit, ReasonCode latest) {
    for (int i = GRANTS - 8; i < GRANTS; i++) {
      Decision d = remit.authorize(pay(i));
      assertThat(d.codes()).as(d.explain()).containsExactly(latest);
      assertThat(d.grant()).isEqualTo("g-" + i);
    }
    for (int i = 0; i < 8; i++) {
      Decision d = remit.authorize(pay(i));
      assertThat(d.codes()).as(d.explain()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
    }
  }

  @Test
  void tenThousandRevokedGrantsLeaveTheIndexesAndOnlyTheLatestAreKeptForReasons() {
    MutableClock clock = Fixtures.clock();
    try (Remit remit = remit(clock)) {
      RuntimeState st = remit.engine().state;
      for (int i = 0; i < GRANTS; i++) {
        remit.issue(grant(i));
      }
      assertThat(st.size()).isEqualTo(GRANTS);
      assertThat(remit.authorize(pay(42)).allowed()).isTrue();
      for (int i = 0; i < GRANTS; i++) {
        assertThat(remit.revokeGrant("g-" + i)).containsExactly("g-" + i);
      }
      assertNothingActive(st);
      assertThat(st.expiryQueueGrants()).as("revoked grants the expiry queue still holds on to").isZero();
      assertReasons(remit, ReasonCode.GRANT_REVOKED);
      assertThat(remit.authorize(pay(GRANTS - 1)).reasons().get(0).message()).isEqualTo("grant 'g-9999' was revoked");

      // revoked ids are remembered until the grants would have expired: no reuse, and revoking again is harmless
      for (int i : new int[] {0, 4_999, GRANTS - 1}) {
        assertThatThrownBy(() -> remit.issue(grant(i))).isInstanceOf(GrantRefusedException.class)
            .hasMessageContaining("a grant with this id exists or existed");
        assertThat(remit.revokeGrant("g-" + i)).containsExactly("g-" + i);
      }
      assertThat(remit.grant("g-0")).isNull();
      assertThat(remit.activeGrants()).isEmpty();

      // past their expiry they are forgotten, in bounded batches like expired grants: one deciding
      // thread never walks all of them at once (each request is another cache key: hits do not sweep)
      assertThat(st.retiredIds()).isEqualTo(GRANTS);
      clock.set(EXPIRY.plusMillis(GRANTS));
      remit.authorize(call("helper", "crm", "read", "crm/0").build());
      assertThat(st.retiredIds()).as("one decision's sweep is bounded").isLessThan(GRANTS).isGreaterThan(GRANTS - 1_000);
      int decisions = 0;
      while (st.nextExpiry() <= clock.millis() && decisions < GRANTS) {
        decisions++;
        remit.authorize(call("helper", "crm", "read", "crm/" + decisions).build());
      }
      assertThat(decisions).isLessThanOrEqualTo(GRANTS / 100);
      assertThat(st.retiredIds()).as("revoked ids remembered after their expiry").isZero();
      assertThat(st.nextExpiry()).isEqualTo(Long.MAX_VALUE);
      assertNothingActive(st);
      assertThat(remit.issue(grant(0).expiresAt(EXPIRY.plus(Duration.ofHours(2)))).id()).isEqualTo("g-0");
    }
  }

  @Test
  void tenThousandSubGrantsCutOffByTheirParentsRevocationLeaveTheIndexes() {
    MutableClock clock = Fixtures.clock();
    try (Remit remit = remit(clock)) {
      RuntimeState st = remit.engine().state;
      remit.issue(Grant.builder("root").principal("alice").holder("orch").allow("payments", ALL_OPS, "acct/**")
          .expiresAt(EXPIRY.plus(Duration.ofHours(1))));
      for (int i = 0; i < GRANTS; i++) {
        remit.delegate("orch", Grant.builder("g-" + i).parent("root").holder("worker")
            .allow("payments", ALL_OPS, "acct/" + i).expiresAt(EXPIRY.plusMillis(i)));
      }
      assertThat(remit.authorize(call("worker", "payments", "transfer", "acct/7").arg("amount", 1).build()).allowed())
          .isTrue();
      List<String> cut = remit.revokeGrant("root");
      assertThat(cut).hasSize(GRANTS + 1).startsWith("root");
      assertThat(st.size()).isZero();
      assertThat(st.endedKept()).isLessThanOrEqualTo(KEPT);
      assertThat(st.holders()).isLessThanOrEqualTo(2);
      assertThat(st.children("root")).isEmpty();
      assertThat(st.expiryQueueGrants()).isZero();
      Decision latest = remit.authorize(call("worker", "payments", "transfer", "acct/9999").arg("amount", 1).build());
      assertThat(latest.codes()).containsExactly(ReasonCode.GRANT_REVOKED);
      assertThat(latest.reasons().get(0).message()).isEqualTo("grant 'root' (ancestor of 'g-9999') was revoked");
      Decision oldest = remit.authorize(call("worker", "payments", "transfer", "acct/0").arg("amount", 1).build());
      assertThat(oldest.codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
      assertThat(remit.revokeGrant("root")).containsExactly("root");
      assertThat(remit.revokeGrant("g-0")).containsExactly("g-0");
    }
  }

  @Test
  void tenThousandExpiredGrantsAreSweptInBoundedBatchesByDecisionsAndChanges() {
    MutableClock clock = Fixtures.clock();
    try (Remit remit = remit(clock)) {
      RuntimeState st = remit.engine().state;
      for (int i = 0; i < GRANTS; i++) {
        remit.issue(grant(i));
      }
      clock.set(EXPIRY.plusMillis(GRANTS));
      // a decision sweeps a bounded batch, never everything at once (each request here is another
      // cache key: a decision served from the cache does not sweep)
      remit.authorize(call("helper", "crm", "read", "crm/0").build());
      assertThat(st.size()).as("one decision's sweep is bounded").isGreaterThan(GRANTS - 1_000).isLessThan(GRANTS);
      // a change sweeps a larger batch
      int before = st.size();
      remit.suspendAgent("bot");
      assertThat(st.size()).isLessThan(before).isGreaterThanOrEqualTo(before - 1_024);
      int decisions = 0;
      while (st.size() > 0 && decisions < GRANTS) {
        decisions++;
        remit.authorize(call("helper", "crm", "read", "crm/" + decisions).build());
      }
      assertThat(decisions).as("decisions needed to sweep the rest").isLessThanOrEqualTo(GRANTS / 100);
      assertNothingActive(st);
      assertThat(st.retiredIds()).as("expired ids are remembered only while kept for reasons").isLessThanOrEqualTo(KEPT);
      assertThat(st.nextExpiry()).isEqualTo(Long.MAX_VALUE);

      assertReasons(remit, ReasonCode.GRANT_EXPIRED);
      // a kept id cannot be reused and revoking it is harmless; a forgotten one is free again
      assertThatThrownBy(() -> remit.issue(grant(GRANTS - 1).expiresAt(EXPIRY.plus(Duration.ofHours(2)))))
          .isInstanceOf(GrantRefusedException.class).hasMessageContaining("exists or existed");
      assertThat(remit.revokeGrant("g-" + (GRANTS - 1))).containsExactly("g-" + (GRANTS - 1));
      Grant again = remit.issue(grant(0).expiresAt(EXPIRY.plus(Duration.ofHours(2))));
      assertThat(again.id()).isEqualTo("g-0");
      assertThat(remit.authorize(pay(0)).allowed()).isTrue();
    }
  }
}
