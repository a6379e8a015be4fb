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

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A hop may only narrow: refused at issuance, and re-checked at every decision. */
class DelegationTest {
  private static final TimeWindow OFFICE =
      new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneOffset.UTC, Set.of());
  private static final CredentialSpec BANK_READ =
      new CredentialSpec("bank", List.of("accounts:read"), Duration.ofMinutes(5));

  private MutableClock clock;
  private Remit remit;

  @BeforeEach
  void setUp() {
    clock = clock();
    remit = remit(base().build(), clock);
    Fixtures.issue(remit, rootGrant("parent", "orch")
        .allow("payments", List.of("read", "transfer"), "acct/1")
        .allow("crm", List.of("read"), "contacts/**")
        .constraint("args.amount <= 500")
        .window(OFFICE)
        .maxCalls(5)
        .task("t1")
        .credential(BANK_READ));
  }

  /** A sub-grant of 'parent' that repeats every part of it, so one part at a time can be widened. */
  private Grant.Builder faithfulChild(String id) {
    return subGrant(id, "parent", "worker")
        .allow("payments", List.of("transfer"), "acct/1")
        .constraint("args.amount <= 500")
        .window(OFFICE)
        .maxCalls(5)
        .task("t1")
        .credential(BANK_READ);
  }

  private void assertRefused(Grant.Builder child, String message) {
    assertThatThrownBy(() -> Fixtures.issue(remit, child))
        .isInstanceOf(GrantRefusedException.class)
        .hasMessageStartingWith("grant child refused: ")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((GrantRefusedException) e).grantId()).isEqualTo("child"));
    assertThat(remit.grant("child")).as("nothing is issued").isNull();
  }

  @Nested
  class IssuanceRefusesWidening {
    @Test
    void aFaithfulNarrowerChildIsIssuedAndInheritsThePrincipal() {
      Grant g = Fixtures.issue(remit, faithfulChild("child"));
      assertThat(g.principal()).isEqualTo("alice");
      assertThat(g.parent()).isEqualTo("parent");
      assertThat(remit.grant("child")).isEqualTo(g);
    }

    @Test
    void aWiderToolPatternIsRefused() {
      assertRefused(subGrant("child", "parent", "worker").allow("*", List.of("read"), "acct/1")
              .constraint("args.amount <= 500").window(OFFICE).maxCalls(5).task("t1"),
          "scope 0 {tools [*], operations [read], resources [acct/1]} exceeds parent grant 'parent' "
              + "(no single scope of it contains it; closest: tool pattern '*' is not within [payments])");
    }

    @Test
    void anExtraOperationIsRefused() {
      assertRefused(faithfulChild("child").allow("crm", List.of("read", "write"), "contacts/1"),
          "scope 1 {tools [crm], operations [read, write], resources [contacts/1]} exceeds parent grant "
              + "'parent' (no single scope of it contains it; closest: operation 'write' is not within [read])");
    }

    @Test
    void allOperationsIsWiderThanAList() {
      assertRefused(faithfulChild("child").allow("payments", ALL_OPS, "acct/1"),
          "operation '*' is not within [read, transfer]");
    }

    @Test
    void aWiderResourcePatternIsRefused() {
      assertRefused(faithfulChild("child").allow("payments", List.of("read"), "acct/*"),
          "resource pattern 'acct/*' is not within [acct/1]");
      assertRefused(faithfulChild("child").allow("crm", List.of("read"), "**"),
          "resource pattern '**' is not within [contacts/**]");
    }

    @Test
    void aResourcePatternThatOnlyLooksNarrowerIsRefused() {
      // contacts/* is inside contacts/**, but contacts* (no slash) reaches contacts-archive/…
      Fixtures.issue(remit, faithfulChild("ok").allow("crm", List.of("read"), "contacts/*"));
      assertRefused(faithfulChild("child").allow("crm", List.of("read"), "contacts*"),
          "resource pattern 'contacts*' is not within [contacts/**]");
    }

    @Test
    void aDroppedConstraintIsRefused() {
      assertRefused(subGrant("child", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
              .window(OFFICE).maxCalls(5).task("t1"),
          "it drops or loosens constraint 'args.amount <= 500' of parent grant 'parent' "
              + "(repeat it or state a stricter one)");
    }

    @Test
    void aLoosenedConstraintIsRefusedAndAStricterOneAccepted() {
      assertRefused(subGrant("child", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
              .constraint("args.amount <= 1000").window(OFFICE).maxCalls(5).task("t1"),
          "it drops or loosens constraint 'args.amount <= 500'");
      assertRefused(subGrant("child", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
              .constraint("args.amount < 501").window(OFFICE).maxCalls(5).task("t1"),
          "it drops or loosens constraint 'args.amount <= 500'");
      Fixtures.issue(remit, subGrant("stricter", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
          .constraint("args.amount < 100").window(OFFICE).maxCalls(5).task("t1"));
      Fixtures.issue(remit, subGrant("pinned", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
          .constraint("args.amount in [10, 20]").window(OFFICE).maxCalls(5).task("t1"));
    }

    @Test
    void aConstraintOnAnotherAttributeDoesNotReplaceTheParentsOne() {
      assertRefused(subGrant("child", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
              .constraint("args.fee <= 1").window(OFFICE).maxCalls(5).task("t1"),
          "it drops or loosens constraint 'args.amount <= 500'");
    }

    @Test
    void aLaterExpiryIsRefused() {
      assertRefused(faithfulChild("child").expiresAt(IN_ONE_HOUR.plusMillis(1)),
          "it expires at 2026-03-02T11:00:00.001Z, after parent grant 'parent' (2026-03-02T11:00:00Z)");
      Fixtures.issue(remit, faithfulChild("same-expiry").expiresAt(IN_ONE_HOUR));
    }

    @Test
    void aWiderOrMissingWindowIsRefused() {
      assertRefused(faithfulChild("child").window(
              new TimeWindow(LocalTime.of(8, 0), LocalTime.of(17, 0), ZoneOffset.UTC, Set.of())),
          "its time window 08:00–17:00 is not within parent grant 'parent''s window 09:00–17:00 Z");
      assertRefused(subGrant("child", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
              .constraint("args.amount <= 500").maxCalls(5).task("t1"),
          "its time window (none: always) is not within parent grant 'parent''s window");
      // the same hours in another zone are other instants
      assertRefused(faithfulChild("child").window(
              new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneId.of("Europe/Paris"), Set.of())),
          "is not within parent grant 'parent''s window");
      Fixtures.issue(remit, faithfulChild("weekday-mornings").window(new TimeWindow(LocalTime.of(9, 0),
          LocalTime.of(12, 0), ZoneOffset.UTC, Set.of(java.time.DayOfWeek.MONDAY))));
    }

    @Test
    void aLargerOrUnlimitedBudgetIsRefused() {
      assertRefused(faithfulChild("child").maxCalls(6), "its call budget 6 exceeds parent grant 'parent''s 5");
      assertRefused(subGrant("child", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
              .constraint("args.amount <= 500").window(OFFICE).task("t1"),
          "its call budget (unlimited) exceeds parent grant 'parent''s 5");
    }

    @Test
    void aDifferentOrMissingTaskIsRefused() {
      assertRefused(faithfulChild("child").task("t2"),
          "parent grant 'parent' is for task 't1'; the sub-grant must be too");
      assertRefused(subGrant("child", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
              .constraint("args.amount <= 500").window(OFFICE).maxCalls(5),
          "parent grant 'parent' is for task 't1'");
    }

    @Test
    void aWiderCredentialIsRefused() {
      assertRefused(faithfulChild("child").credential(new CredentialSpec("bank",
              List.of("accounts:read", "accounts:write"), Duration.ofMinutes(5))),
          "its credential (bank [accounts:read, accounts:write] PT5M) is wider than parent grant 'parent''s "
              + "(bank [accounts:read] PT5M)");
      assertRefused(faithfulChild("child").credential(new CredentialSpec("bank",
          List.of("accounts:read"), Duration.ofMinutes(6))), "is wider than parent grant 'parent''s");
      assertRefused(faithfulChild("child").credential(new CredentialSpec("other-bank",
          List.of("accounts:read"), Duration.ofMinutes(1))), "is wider than parent grant 'parent''s");
    }

    @Test
    void aCredentialUnderAParentWithoutOneIsRefused() {
      Fixtures.issue(remit, rootGrant("plain", "orch").allow("crm", ALL_OPS, "**"));
      assertRefused(subGrant("child", "plain", "worker").allow("crm", ALL_OPS, "**").credential(BANK_READ),
          "it declares a credential but parent grant 'plain' declares none");
    }

    @Test
    void anotherPrincipalCannotBeNamedDownAChain() {
      assertRefused(faithfulChild("child").principal("bob"),
          "it names principal 'bob' but its chain acts for 'alice'");
    }

    @Test
    void aStartBeforeTheParentsIsRefused() {
      Fixtures.issue(remit, rootGrant("later", "orch").allow("crm", ALL_OPS, "**").notBefore(T0.plusSeconds(600)));
      assertRefused(subGrant("child", "later", "worker").allow("crm", ALL_OPS, "**"),
          "it would be valid from 2026-03-02T10:00:00Z, before parent grant 'later' (2026-03-02T10:10:00Z)");
      Fixtures.issue(remit, subGrant("aligned", "later", "worker").allow("crm", ALL_OPS, "**").notBefore(T0.plusSeconds(600)));
    }

    @Test
    void theParentMustExistBeLiveAndBeHeldByAnActiveAgent() {
      assertRefused(subGrant("child", "nope", "worker").allow("crm", ALL_OPS, "**"),
          "parent grant 'nope' does not exist");
      Fixtures.issue(remit, rootGrant("p2", "orch").allow("crm", ALL_OPS, "**"));
      remit.suspendAgent("orch");
      assertRefused(subGrant("child", "p2", "worker").allow("crm", ALL_OPS, "**"),
          "'orch', the holder of parent grant 'p2', is not active");
      remit.resumeAgent("orch");
      remit.revokeGrant("p2");
      assertRefused(subGrant("child", "p2", "worker").allow("crm", ALL_OPS, "**"),
          "parent grant 'p2' is revoked");
      Fixtures.issue(remit, rootGrant("p3", "orch").allow("crm", ALL_OPS, "**").expiresAt(T0.plusSeconds(1)));
      clock.advance(Duration.ofSeconds(1));
      assertRefused(subGrant("child", "p3", "worker").allow("crm", ALL_OPS, "**"),
          "parent grant 'p3' has expired");
    }

    @Test
    void aGrantBelowARevokedAncestorIsRefused() {
      Fixtures.issue(remit, rootGrant("a", "orch").allow("crm", ALL_OPS, "**"));
      Fixtures.issue(remit, subGrant("b", "a", "worker").allow("crm", ALL_OPS, "**"));
      remit.revokeGrant("a");
      assertRefused(subGrant("child", "b", "helper").allow("crm", ALL_OPS, "**"),
          "grant 'a' above it in the chain is revoked");
    }

    @Test
    void theHolderMustBeAKnownActiveIdentity() {
      assertRefused(faithfulChild("child").holder("wroker"),
          "holder 'wroker' is not a known agent or component (did you mean 'worker'?)");
      remit.suspendAgent("worker");
      assertRefused(faithfulChild("child"), "holder 'worker' is suspended");
      remit.suspendAgent("bot");
      assertRefused(subGrant("child", "parent", "bot.connector").allow("payments", List.of("transfer"), "acct/1")
          .constraint("args.amount <= 500").window(OFFICE).maxCalls(5).task("t1"),
          "holder 'bot.connector' is suspended");
    }

    @Test
    void anIdCannotBeReusedEvenAfterRevocation() {
      Fixtures.issue(remit, rootGrant("once", "orch").allow("crm", ALL_OPS, "**"));
      assertThatThrownBy(() -> Fixtures.issue(remit, rootGrant("once", "orch").allow("crm", ALL_OPS, "**")))
          .hasMessage("grant once refused: a grant with this id exists or existed");
      remit.revokeGrant("once");
      assertThatThrownBy(() -> Fixtures.issue(remit, rootGrant("once", "orch").allow("crm", ALL_OPS, "**")))
          .hasMessage("grant once refused: a grant with this id exists or existed");
    }

    @Test
    void anAlreadyExpiredGrantIsRefused() {
      clock.set(IN_ONE_HOUR);
      assertThatThrownBy(() -> Fixtures.issue(remit, rootGrant("old", "orch").allow("crm", ALL_OPS, "**")))
          .hasMessage("grant old refused: it expires at 2026-03-02T11:00:00Z, which has passed");
    }

    @Test
    void aRootGrantCannotExceedItsPrincipalsEntitlements() {
      assertThatThrownBy(() -> Fixtures.issue(remit, Grant.builder("b1").principal("bob").holder("worker")
          .expiresAt(IN_ONE_HOUR).allow("payments", ALL_OPS, "**")))
          .isInstanceOf(GrantRefusedException.class)
          .hasMessageContaining("exceeds the entitlements of principal 'bob': tool pattern 'payments' is not within [crm]");
    }

    @Test
    void aSubGrantCannotExceedThePrincipalsCurrentEntitlements() {
      Fixtures.issue(remit, rootGrant("wide", "orch").allow("crm", ALL_OPS, "**").allow("payments", ALL_OPS, "**"));
      remit.restrictEntitlements("alice", List.of(Scope.all("crm", "**")));
      assertThatThrownBy(() -> Fixtures.issue(remit, subGrant("child", "wide", "worker").allow("payments", ALL_OPS, "acct/1")))
          .hasMessageContaining("exceeds the current entitlements of principal 'alice'");
      Fixtures.issue(remit, subGrant("crm-only", "wide", "worker").allow("crm", ALL_OPS, "x"));
    }

    @Test
    void toolsAndOperationsMustBeInTheCatalog() {
      assertThatThrownBy(() -> Fixtures.issue(remit, rootGrant("x", "orch").allow("paymnts", ALL_OPS, "**")))
          .hasMessageContaining("tool pattern 'paymnts' matches no tool in the catalog (did you mean 'payments'?)");
      assertThatThrownBy(() -> Fixtures.issue(remit, rootGrant("x", "orch").allow("payments", List.of("trasnfer"), "**")))
          .hasMessageContaining("operation 'trasnfer' is not an operation of [payments]; they have [read, transfer] (did you mean 'transfer'?)");
    }
  }

  @Nested
  class DepthLimit {
    @Test
    void issuanceBeyondTheMaximumDepthIsRefused() {
      Remit r = remit(base().maxDelegationDepth(2).build(), clock);
      Fixtures.issue(r, rootGrant("d1", "orch").allow("crm", ALL_OPS, "**"));
      Fixtures.issue(r, subGrant("d2", "d1", "worker").allow("crm", ALL_OPS, "**"));
      assertThatThrownBy(() -> Fixtures.issue(r, subGrant("d3", "d2", "helper").allow("crm", ALL_OPS, "**")))
          .hasMessage("grant d3 refused: the chain would be 3 grants deep; the maximum is 2");
    }

    @Test
    void theDefaultMaximumIsFourGrants() {
      Remit r = remit(base().build(), clock);
      Fixtures.issue(r, rootGrant("d1", "orch").allow("crm", ALL_OPS, "**"));
      Fixtures.issue(r, subGrant("d2", "d1", "worker").allow("crm", ALL_OPS, "**"));
      Fixtures.issue(r, subGrant("d3", "d2", "helper").allow("crm", ALL_OPS, "**"));
      Fixtures.issue(r, subGrant("d4", "d3", "bot.planner").allow("crm", ALL_OPS, "**"));
      assertThatThrownBy(() -> Fixtures.issue(r, subGrant("d5", "d4", "bot.connector").allow("crm", ALL_OPS, "**")))
          .hasMessageContaining("the chain would be 5 grants deep; the maximum is 4");
      Decision d = r.authorize(Fixtures.call("bot.planner", "crm", "read", "c/1").build());
      assertThat(d.allowed()).as(d.explain()).isTrue();
      assertThat(d.chain().depth()).isEqualTo(4);
    }

    @Test
    void loweringTheMaximumBySwapDeniesDeeperChainsAtDecision() {
      Remit r = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock);
      Fixtures.issue(r, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**"));
      Fixtures.issue(r, subGrant("subsub", "sub", "helper").allow("payments", ALL_OPS, "acct/1"));
      assertThat(r.authorize(transfer("helper", 1)).allowed()).isTrue();
      r.swapPolicy(ReasonCodeCoverageTest.withDocRootDepth("acct/**", 2));
      Decision d = r.authorize(transfer("helper", 1));
      assertThat(d.codes()).containsExactly(ReasonCode.CHAIN_TOO_DEEP);
      assertThat(d.reasons().get(0).message())
          .isEqualTo("the delegation chain of grant 'subsub' is longer than the maximum depth 2");
      assertThat(r.authorize(transfer("worker", 1)).allowed()).as("depth 2 is still fine").isTrue();
    }

    @Test
    void aPolicyDocumentWithATooDeepChainIsRejected() {
      assertThatThrownBy(() -> base().maxDelegationDepth(1)
          .grant(rootGrant("r", "orch").allow("crm", ALL_OPS, "**").build())
          .grant(subGrant("s", "r", "worker").allow("crm", ALL_OPS, "**").build()).build())
          .isInstanceOf(PolicyException.class)
          .hasMessage("invalid policy: <builder>: grants[1].parent: the delegation chain is 2 grants deep; the maximum is 1");
    }
  }

  @Nested
  class DecisionRechecksTheChain {
    @Test
    void anAllowCarriesTheWholeChainFromThePrincipal() {
      Fixtures.issue(remit, rootGrant("r", "orch").allow("payments", ALL_OPS, "acct/**"));
      Fixtures.issue(remit, subGrant("s", "r", "worker").allow("payments", ALL_OPS, "acct/1").task("t9"));
      Decision d = remit.authorize(transfer("worker", 10).withContext("task", "t9"));
      assertThat(d.outcome()).isEqualTo(Outcome.ALLOW);
      assertThat(d.codes()).containsExactly(ReasonCode.GRANT_MATCHED);
      assertThat(d.reasons().get(0).message())
          .isEqualTo("covered by grant 's' held by 'worker' for task 't9' on behalf of 'alice'");
      assertThat(d.grant()).isEqualTo("s");
      assertThat(d.chain()).isEqualTo(new DelegationChain("alice", List.of(
          new DelegationChain.Hop("r", "orch", "alice", null),
          new DelegationChain.Hop("s", "worker", "orch", "t9"))));
      assertThat(d.policyVersion()).isEqualTo("test-1");
      assertThat(d.evaluatedAt()).isEqualTo(T0);
      assertThat(d.revision()).isEqualTo(remit.revision());
    }

    @Test
    void swappingInANarrowerParentDeniesTheSubGrantAsExceedingIt() {
      Remit r = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock);
      Fixtures.issue(r, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1"));
      assertThat(r.authorize(transfer("worker", 1)).allowed()).isTrue();
      r.swapPolicy(ReasonCodeCoverageTest.withDocRoot("acct/2"));
      Decision d = r.authorize(transfer("worker", 1));
      assertThat(d.outcome()).isEqualTo(Outcome.DENY);
      assertThat(d.codes()).containsExactly(ReasonCode.DELEGATION_EXCEEDS_PARENT);
      assertThat(d.reasons().get(0).message()).isEqualTo("grant 'root' (ancestor of 'sub') does not cover "
          + "payments.transfer on 'acct/1', so 'sub' cannot either");
      assertThat(d.grant()).isEqualTo("sub");
      assertThat(d.chain().hops()).extracting(DelegationChain.Hop::grant).containsExactly("root", "sub");
    }

    @Test
    void aConstraintAddedToTheParentBindsTheSubGrantAtDecision() {
      Remit r = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock);
      Fixtures.issue(r, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1"));
      r.swapPolicy(base().grant(rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**")
          .constraint("args.amount <= 100").build()).build());
      Decision d = r.authorize(transfer("worker", 500));
      assertThat(d.codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      assertThat(d.reasons().get(0).message())
          .isEqualTo("grant 'root' (ancestor of 'sub') requires args.amount <= 100 but 'args.amount' is 500");
      assertThat(r.authorize(transfer("worker", 50)).allowed()).isTrue();
    }

    @Test
    void removingTheParentBreaksTheChain() {
      Remit r = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock);
      Fixtures.issue(r, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1"));
      r.swapPolicy(base().build());
      Decision d = r.authorize(transfer("worker", 1));
      assertThat(d.codes()).containsExactly(ReasonCode.CHAIN_BROKEN);
      assertThat(d.reasons().get(0).message())
          .isEqualTo("grant 'sub' names parent 'root', which no longer exists");
    }

    @Test
    void aParentReissuedToAnotherHolderBreaksTheChain() {
      Remit r = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock);
      Fixtures.issue(r, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1"));
      r.swapPolicy(base().grant(rootGrant("root", "helper").allow("payments", ALL_OPS, "acct/**").build()).build());
      Decision d = r.authorize(transfer("worker", 1));
      assertThat(d.codes()).containsExactly(ReasonCode.CHAIN_BROKEN);
      assertThat(d.reasons().get(0).message())
          .isEqualTo("grant 'sub' was issued by 'orch' but its parent 'root' is held by 'helper'");
    }

    @Test
    void noGrantCanBeIssuedBelowABrokenChainSoNoCycleCanBeClosed() {
      // regression: after a swap removed document grant 'root', issue() accepted a child of its
      // dangling runtime child 'sub', even one reusing the id 'root', closing a cycle root->sub->root
      Remit r = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock);
      Fixtures.issue(r, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**"));
      r.swapPolicy(base().build());
      assertThatThrownBy(() -> Fixtures.issue(r, subGrant("root", "sub", "orch").allow("payments", ALL_OPS, "acct/**")))
          .isInstanceOf(GrantRefusedException.class)
          .hasMessage("grant root refused: grant 'sub' above it in the chain names parent 'root', which no longer exists");
      assertThat(r.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.CHAIN_BROKEN);
      assertThat(r.revokeGrant("sub")).containsExactly("sub");
    }

    @Test
    void aSubGrantInAPolicyDocumentThatWidensIsRejectedWithItsPath() {
      assertThatThrownBy(() -> base()
          .grant(rootGrant("r", "orch").allow("payments", List.of("read"), "acct/**").build())
          .grant(subGrant("s", "r", "worker").allow("payments", List.of("read", "transfer"), "acct/1").build())
          .build())
          .isInstanceOf(PolicyException.class)
          .satisfies(e -> {
            Problem p = ((PolicyException) e).problems().get(0);
            assertThat(p.path()).isEqualTo("grants[1]");
            assertThat(p.message()).isEqualTo("sub-grant 's' exceeds its parent: scope 0 {tools [payments], "
                + "operations [read, transfer], resources [acct/1]} exceeds parent grant 'r': operation "
                + "'transfer' is not within [read]");
          });
    }
  }
}
