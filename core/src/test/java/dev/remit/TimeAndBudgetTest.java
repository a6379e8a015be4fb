package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.IN_ONE_HOUR;
import static dev.remit.Fixtures.T0;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Validity instants, recurring windows and call budgets, at their edges. */
class TimeAndBudgetTest {
  private MutableClock clock;
  private Remit remit;

  @BeforeEach
  void setUp() {
    clock = clock();
    remit = remit(base().build(), clock);
  }

  private Decision call(String subject) {
    return remit.authorize(transfer(subject, 1));
  }

  private static void assertDenied(Decision d, ReasonCode code, String message) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).containsExactly(code);
    assertThat(d.reasons().get(0).message()).isEqualTo(message);
  }

  @Nested
  class ExpiryAndNotBefore {
    @Test
    void aGrantIsValidUntilOneMillisecondBeforeItsExpiry() {
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      clock.set(IN_ONE_HOUR.minusMillis(1));
      assertThat(call("worker").allowed()).isTrue();
      clock.set(IN_ONE_HOUR);
      assertDenied(call("worker"), ReasonCode.GRANT_EXPIRED, "grant 'g' expired at 2026-03-02T11:00:00Z");
    }

    @Test
    void aGrantIsValidFromExactlyItsNotBefore() {
      Instant start = T0.plusSeconds(60);
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").notBefore(start));
      clock.set(start.minusMillis(1));
      assertDenied(call("worker"), ReasonCode.GRANT_NOT_YET_VALID,
          "grant 'g' is not valid before 2026-03-02T10:01:00Z");
      clock.set(start);
      assertThat(call("worker").allowed()).isTrue();
    }

    @Test
    void aRelativeTtlCountsFromIssuanceOnTheRemitClock() {
      clock.advance(Duration.ofMinutes(7));
      Grant g = Fixtures.issue(remit, Grant.builder("g").principal("alice").holder("worker")
          .allow("payments", ALL_OPS, "acct/**").ttl(Duration.ofMinutes(15)));
      assertThat(g.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(22)));
      assertThatThrownBy(() -> Grant.builder("x").principal("alice").holder("worker")
          .allow("payments", ALL_OPS, "**").ttl(Duration.ofMinutes(1)).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("grant x has a relative ttl; build it with build(now) or issue the builder through Remit");
    }

    @Test
    void anExpiredAncestorInvalidatesTheSubGrant() {
      Remit r = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock);
      Fixtures.issue(r, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1"));
      r.swapPolicy(base().grant(rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**")
          .expiresAt(T0.plusSeconds(600)).build()).build());
      clock.set(T0.plusSeconds(600));
      Decision d = r.authorize(transfer("worker", 1));
      assertDenied(d, ReasonCode.GRANT_EXPIRED, "grant 'root' (ancestor of 'sub') expired at 2026-03-02T10:10:00Z");
    }
  }

  @Nested
  class TimeWindows {
    private void issueWith(TimeWindow w) {
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").window(w)
          .expiresAt(T0.plus(Duration.ofDays(7))));
    }

    @Test
    void officeHoursIncludeTheStartMinuteAndExcludeTheEndMinute() {
      issueWith(new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneOffset.UTC, Set.of()));
      clock.set(Instant.parse("2026-03-02T09:00:00Z"));
      assertThat(call("worker").allowed()).isTrue();
      clock.set(Instant.parse("2026-03-02T16:59:59.999Z"));
      assertThat(call("worker").allowed()).isTrue();
      clock.set(Instant.parse("2026-03-02T17:00:00Z"));
      assertDenied(call("worker"), ReasonCode.OUTSIDE_TIME_WINDOW, "grant 'g' is only valid 09:00–17:00 Z");
      clock.set(Instant.parse("2026-03-02T08:59:59.999Z").plus(Duration.ofDays(1)));
      assertThat(call("worker").codes()).containsExactly(ReasonCode.OUTSIDE_TIME_WINDOW);
    }

    @Test
    void anOvernightWindowBelongsToTheDayItStarts() {
      issueWith(new TimeWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneOffset.UTC, Set.of(DayOfWeek.TUESDAY)));
      clock.set(Instant.parse("2026-03-03T22:00:00Z")); // Tuesday
      assertThat(call("worker").allowed()).isTrue();
      clock.set(Instant.parse("2026-03-04T05:59:00Z")); // Wednesday morning, Tuesday's window
      assertThat(call("worker").allowed()).isTrue();
      clock.set(Instant.parse("2026-03-04T06:00:00Z"));
      assertDenied(call("worker"), ReasonCode.OUTSIDE_TIME_WINDOW,
          "grant 'g' is only valid 22:00–06:00 Z on [TUESDAY]");
      clock.set(Instant.parse("2026-03-04T22:30:00Z")); // Wednesday night: no window starts
      assertThat(call("worker").codes()).containsExactly(ReasonCode.OUTSIDE_TIME_WINDOW);
      clock.set(Instant.parse("2026-03-03T05:00:00Z")); // Tuesday morning belongs to Monday
      assertThat(call("worker").codes()).containsExactly(ReasonCode.OUTSIDE_TIME_WINDOW);
    }

    @Test
    void aWindowIsReadInItsOwnZone() {
      // 2026-03-02 is before US daylight saving: New York is UTC-5
      issueWith(new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneId.of("America/New_York"),
          Set.of(DayOfWeek.MONDAY)));
      assertThat(call("worker").codes()).as("05:00 in New York").containsExactly(ReasonCode.OUTSIDE_TIME_WINDOW);
      clock.set(Instant.parse("2026-03-02T14:00:00Z"));
      assertThat(call("worker").allowed()).as("09:00 in New York").isTrue();
      clock.set(Instant.parse("2026-03-02T22:00:00Z"));
      assertThat(call("worker").codes()).as("17:00 in New York").containsExactly(ReasonCode.OUTSIDE_TIME_WINDOW);
    }

    @Test
    void aDayOfWeekWindowIsClosedOnOtherDays() {
      issueWith(new TimeWindow(LocalTime.of(0, 0), LocalTime.of(23, 59), ZoneOffset.UTC,
          Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY)));
      assertThat(call("worker").codes()).containsExactly(ReasonCode.OUTSIDE_TIME_WINDOW);
      clock.set(Instant.parse("2026-03-07T12:00:00Z"));
      assertThat(call("worker").allowed()).isTrue();
    }

    @Test
    void aWindowMustHaveDistinctStartAndEnd() {
      assertThatThrownBy(() -> new TimeWindow(LocalTime.NOON, LocalTime.NOON, ZoneOffset.UTC, Set.of()))
          .hasMessage("time window start and end are both 12:00; use no window for all day");
    }

    @Test
    void withinComparesEveryMinuteOfTheWeek() {
      TimeWindow nights = new TimeWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneOffset.UTC, Set.of());
      TimeWindow lateNights = new TimeWindow(LocalTime.of(23, 0), LocalTime.of(5, 0), ZoneOffset.UTC, Set.of());
      TimeWindow fridayNight = new TimeWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneOffset.UTC,
          Set.of(DayOfWeek.FRIDAY));
      assertThat(lateNights.within(nights)).isTrue();
      assertThat(nights.within(lateNights)).isFalse();
      assertThat(fridayNight.within(nights)).isTrue();
      assertThat(nights.within(fridayNight)).isFalse();
      assertThat(nights.within(new TimeWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneId.of("UTC"), Set.of())))
          .as("Z and UTC are the same zone").isTrue();
    }
  }

  @Nested
  class CallBudgets {
    @Test
    void aGrantAllowsExactlyItsMaxCalls() {
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(3));
      assertThat(remit.remainingCalls("g")).isEqualTo(3);
      for (int i = 0; i < 3; i++) {
        assertThat(call("worker").allowed()).isTrue();
      }
      assertThat(remit.remainingCalls("g")).isZero();
      assertDenied(call("worker"), ReasonCode.MAX_CALLS_EXHAUSTED, "grant 'g' allows 3 calls and all have been used");
    }

    @Test
    void subAgentCallsConsumeTheParentBudget() {
      Fixtures.issue(remit, rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**").maxCalls(3));
      Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(3));
      assertThat(call("worker").allowed()).isTrue();
      assertThat(call("worker").allowed()).isTrue();
      assertThat(remit.remainingCalls("root")).isEqualTo(1);
      assertThat(remit.remainingCalls("sub")).isEqualTo(1);
      assertThat(call("orch").allowed()).isTrue();
      assertDenied(call("worker"), ReasonCode.MAX_CALLS_EXHAUSTED,
          "grant 'root' (ancestor of 'sub') allows 3 calls and all have been used");
      assertThat(remit.remainingCalls("sub")).as("the refused call charged nothing").isEqualTo(1);
    }

    @Test
    void anExhaustedSubGrantChargesNothingToItsParent() {
      Fixtures.issue(remit, rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**").maxCalls(5));
      Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(1));
      assertThat(call("worker").allowed()).isTrue();
      assertDenied(call("worker"), ReasonCode.MAX_CALLS_EXHAUSTED, "grant 'sub' allows 1 calls and all have been used");
      assertThat(remit.remainingCalls("root")).isEqualTo(4);
    }

    @Test
    void anUnlimitedSubGrantIsBoundByItsLimitedAncestor() {
      Fixtures.issue(remit, rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**"));
      Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(2));
      Fixtures.issue(remit, subGrant("leaf", "sub", "helper").allow("payments", ALL_OPS, "acct/**").maxCalls(2));
      assertThat(call("helper").allowed()).isTrue();
      assertThat(call("worker").allowed()).isTrue();
      assertThat(call("helper").codes()).containsExactly(ReasonCode.MAX_CALLS_EXHAUSTED);
      assertThat(remit.remainingCalls("root")).isEqualTo(Long.MAX_VALUE);
      assertThat(remit.remainingCalls("leaf")).isEqualTo(1);
    }

    @Test
    void deniedAndGuardedCallsChargeNothing() {
      Remit r = remit(base().rule(Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT).build())
          .build(), clock);
      Fixtures.issue(r, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").constraint("args.amount <= 5")
          .maxCalls(1));
      assertThat(r.authorize(transfer("worker", 50)).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      assertThat(r.authorize(transfer("worker", 5)).codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED);
      assertThat(r.remainingCalls("g")).isEqualTo(1);
      Approval a = r.approve(transfer("worker", 5), "alice", "finance", Duration.ofMinutes(1));
      assertThat(r.authorize(transfer("worker", 5).withContext("approval", a.id())).allowed()).isTrue();
      assertThat(r.remainingCalls("g")).isZero();
    }

    @Test
    void budgetsOfDocumentGrantsCarryOverAPolicySwap() {
      Policy p = base().grant(rootGrant("doc", "worker").allow("payments", ALL_OPS, "acct/**").maxCalls(2).build())
          .build();
      Remit r = remit(p, clock);
      assertThat(r.authorize(transfer("worker", 1)).allowed()).isTrue();
      r.swapPolicy(p);
      assertThat(r.remainingCalls("doc")).isEqualTo(1);
      assertThat(r.authorize(transfer("worker", 1)).allowed()).isTrue();
      assertThat(r.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.MAX_CALLS_EXHAUSTED);
    }

    @Test
    void remainingCallsOfAnUnknownGrantIsAnError() {
      assertThatThrownBy(() -> remit.remainingCalls("nope")).hasMessage("no grant 'nope'");
    }
  }

  @Nested
  class Credentials {
    @Test
    void anAllowDeclaresTheCredentialToMintCappedByTheChainsExpiry() {
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**")
          .credential(new CredentialSpec("bank", List.of("accounts:read", "transfers:create"), Duration.ofMinutes(5))));
      Decision d = call("worker");
      assertThat(d.obligations()).containsExactly(new Obligation.MintCredential("bank",
          List.of("accounts:read", "transfers:create"), Duration.ofSeconds(300), "g"));
      clock.set(IN_ONE_HOUR.minusSeconds(90));
      assertThat(call("worker").obligations(Obligation.MINT_CREDENTIAL).get(0).attributes())
          .containsEntry("ttl_seconds", "90");
    }
  }
}
