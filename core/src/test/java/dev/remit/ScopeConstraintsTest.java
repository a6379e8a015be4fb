package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.T0;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Constraints per scope: a scope's constraints limit only the calls that scope covers; a grant
 * covers a call when some scope of it covers the call with its constraints holding and the grant's
 * own constraints hold. Delegation narrows scope constraints like grant constraints.
 */
class ScopeConstraintsTest {
  private static final Scope TRANSFERS_UP_TO_500 =
      Scope.of("payments", List.of("transfer"), "acct/**").withConstraints("args.amount <= 500");

  private static void assertDenied(Decision d, ReasonCode code, String message) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).as(d.explain()).containsExactly(code);
    assertThat(d.reasons().get(0).message()).isEqualTo(message);
  }

  @Nested
  class TheScopeRecord {
    @Test
    void theThreePartConstructorAndFactoriesHaveNoConstraints() {
      assertThat(new Scope(List.of("crm"), List.of("read"), List.of("**")).constraints()).isEmpty();
      assertThat(Scope.of("crm", List.of("read"), "**").constraints()).isEmpty();
      assertThat(Scope.all("crm", "**").constraints()).isEmpty();
      assertThat(Scope.all("crm", "**")).isEqualTo(new Scope(List.of("crm"), List.of("*"), List.of("**"), List.of()));
    }

    @Test
    void withConstraintsParsesAndReplacesAndLeavesTheOriginalAlone() {
      Scope plain = Scope.all("payments", "acct/**");
      Scope limited = plain.withConstraints("args.amount <= 500", "args.currency in [EUR, USD]");
      assertThat(limited.constraints()).containsExactly(Constraint.parse("args.amount <= 500"),
          Constraint.parse("args.currency in [EUR, USD]"));
      assertThat(plain.constraints()).isEmpty();
      assertThat(limited.withConstraints(List.of())).isEqualTo(plain);
      assertThatThrownBy(() -> limited.constraints().add(Constraint.parse("args.x == 1")))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aBadConstraintTextOrNullIsRefused() {
      assertThatThrownBy(() -> Scope.all("payments", "**").withConstraints("amount < 3"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attribute 'amount' must start with");
      assertThatThrownBy(() -> new Scope(List.of("crm"), List.of("read"), List.of("**"), null))
          .isInstanceOf(NullPointerException.class);
    }
  }

  @Nested
  class Decisions {
    @Test
    void aScopeConstraintLimitsOnlyItsOwnTool() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").scope(TRANSFERS_UP_TO_500).allow("crm", List.of("read"), "contacts/**"));

      assertThat(remit.authorize(call("worker", "crm", "read", "contacts/1").build()).allowed())
          .as("the crm scope has no constraint, and the request no amount").isTrue();
      assertThat(remit.authorize(transfer("worker", 400)).allowed()).isTrue();
      assertDenied(remit.authorize(transfer("worker", 700)), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'g', in its scope 0, requires args.amount <= 500 but 'args.amount' is 700");
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").build()),
          ReasonCode.MISSING_ATTRIBUTE,
          "grant 'g', in its scope 0, requires args.amount <= 500 but the request has no attribute 'args.amount'");
      assertDenied(remit.authorize(transfer("worker", "lots")), ReasonCode.ATTRIBUTE_TYPE_MISMATCH,
          "grant 'g', in its scope 0, requires args.amount <= 500 but 'args.amount' is the string 'lots'");
    }

    @Test
    void twoScopesOfOneGrantHoldDifferentLimits() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "acct/small/*").withConstraints("args.amount <= 100"))
          .scope(Scope.of("payments", List.of("transfer"), "acct/big/*").withConstraints("args.amount <= 10000")));

      Request small = call("worker", "payments", "transfer", "acct/small/1").arg("amount", 5000).build();
      Request big = call("worker", "payments", "transfer", "acct/big/1").arg("amount", 5000).build();
      assertDenied(remit.authorize(small), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'g', in its scope 0, requires args.amount <= 100 but 'args.amount' is 5000");
      assertThat(remit.authorize(big).allowed()).isTrue();
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/other/1").arg("amount", 1).build()),
          ReasonCode.NO_MATCHING_GRANT, "no grant held by 'worker' covers payments.transfer on 'acct/other/1' "
              + "(outside its remit)");
    }

    @Test
    void aCallTwoScopesCoverIsAllowedWhenEitherScopesConstraintsHold() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "acct/**").withConstraints("args.amount <= 100"))
          .scope(Scope.of("payments", List.of("transfer"), "acct/1").withConstraints("args.amount <= 1000")));

      assertThat(remit.authorize(transfer("worker", 800)).allowed()).as("scope 1 allows it").isTrue();
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/2").arg("amount", 800).build()),
          ReasonCode.CONSTRAINT_VIOLATED, "grant 'g', in its scope 0, requires args.amount <= 100 but 'args.amount' is 800");
      assertDenied(remit.authorize(transfer("worker", 5000)), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'g', in its scope 0, requires args.amount <= 100 but 'args.amount' is 5000");
    }

    @Test
    void scopeAndGrantConstraintsMustBothHold() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").scope(TRANSFERS_UP_TO_500).constraint("args.currency == EUR"));

      assertThat(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 100)
          .arg("currency", "EUR").build()).allowed()).isTrue();
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 100)
          .arg("currency", "USD").build()), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'g' requires args.currency == EUR but 'args.currency' is 'USD'");
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 900)
          .arg("currency", "EUR").build()), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'g', in its scope 0, requires args.amount <= 500 but 'args.amount' is 900");
    }

    @Test
    void anotherGrantOfTheSameHolderCanStillAllowWhatOneScopeRefuses() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("a-small", "worker").scope(TRANSFERS_UP_TO_500));
      Fixtures.issue(remit, rootGrant("b-big", "worker").scope(Scope.of("payments", List.of("transfer"), "acct/1")
          .withConstraints("args.amount <= 5000")));

      Decision d = remit.authorize(transfer("worker", 2000));
      assertThat(d.allowed()).isTrue();
      assertThat(d.grant()).isEqualTo("b-big");
    }

    @Test
    void anEvaluationErrorInAScopeConstraintFailsClosed() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").scope(Scope.all("payments", "acct/**").withConstraints("args.meta.kind == invoice")));

      Decision d = remit.authorize(call("worker", "payments", "transfer", "acct/1")
          .arg("meta", FailClosedTest.throwingMap()).build());
      assertThat(d.outcome()).isEqualTo(Outcome.DENY);
      assertThat(d.codes()).containsExactly(ReasonCode.EVALUATION_ERROR);
    }

    @Test
    void anEntitlementsConstraintBindsEveryAgentActingForThePrincipal() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      assertThat(remit.authorize(transfer("worker", 5000)).allowed()).isTrue();

      remit.restrictEntitlements("alice", List.of(Scope.all("payments", "acct/**").withConstraints("args.amount <= 1000")));

      assertDenied(remit.authorize(transfer("worker", 5000)), ReasonCode.CONSTRAINT_VIOLATED,
          "principal 'alice', in its runtime restriction, entitlement 0, requires args.amount <= 1000 but 'args.amount' is 5000");
      assertThat(remit.authorize(transfer("worker", 500)).allowed()).isTrue();
    }
  }

  @Nested
  class Issuance {
    private Remit withParent() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("parent", "orch").scope(TRANSFERS_UP_TO_500).allow("crm", List.of("read"), "contacts/**"));
      return remit;
    }

    private static void assertRefused(Remit remit, Grant.Builder child, String message) {
      assertThatThrownBy(() -> Fixtures.issue(remit, child))
          .isInstanceOf(GrantRefusedException.class)
          .hasMessage("grant child refused: " + message);
      assertThat(remit.grant("child")).as("nothing is issued").isNull();
    }

    @Test
    void aChildThatDropsAParentScopesConstraintIsRefused() {
      assertRefused(withParent(), subGrant("child", "parent", "worker").allow("payments", List.of("transfer"), "acct/1"),
          "scope 0 {tools [payments], operations [transfer], resources [acct/1]} exceeds parent grant 'parent' "
              + "(no single scope of it contains it; closest: it drops or loosens constraint 'args.amount <= 500' "
              + "of the scope {tools [payments], operations [transfer], resources [acct/**], constraints "
              + "[args.amount <= 500]} it falls in (repeat it or state a stricter one))");
    }

    @Test
    void aChildThatLoosensAParentScopesConstraintIsRefused() {
      assertRefused(withParent(), subGrant("child", "parent", "worker")
              .scope(Scope.of("payments", List.of("transfer"), "acct/1").withConstraints("args.amount <= 501")),
          "scope 0 {tools [payments], operations [transfer], resources [acct/1], constraints [args.amount <= 501]} "
              + "exceeds parent grant 'parent' (no single scope of it contains it; closest: it drops or loosens "
              + "constraint 'args.amount <= 500' of the scope {tools [payments], operations [transfer], resources "
              + "[acct/**], constraints [args.amount <= 500]} it falls in (repeat it or state a stricter one))");
    }

    @Test
    void aChildThatTightensAParentScopesConstraintIsIssued() {
      Remit remit = withParent();
      Fixtures.issue(remit, subGrant("child", "parent", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "acct/1").withConstraints("args.amount <= 200"))
          .allow("crm", List.of("read"), "contacts/1"));

      assertThat(remit.authorize(transfer("worker", 150)).allowed()).isTrue();
      assertDenied(remit.authorize(transfer("worker", 300)), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'child', in its scope 0, requires args.amount <= 200 but 'args.amount' is 300");
      assertThat(remit.authorize(call("worker", "crm", "read", "contacts/1").build()).allowed()).isTrue();
    }

    @Test
    void aParentScopesConstraintMayBeKeptAsAGrantConstraintOfTheChild() {
      Remit remit = withParent();
      Fixtures.issue(remit, subGrant("child", "parent", "worker").allow("payments", List.of("transfer"), "acct/1")
          .constraint("args.amount in [10, 20]"));
      assertThat(remit.authorize(transfer("worker", 20)).allowed()).isTrue();
    }

    @Test
    void aParentGrantConstraintMayBeKeptInEachScopeOfTheChild() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("parent", "orch").allow("payments", ALL_OPS, "acct/**").constraint("args.amount <= 500"));

      Fixtures.issue(remit, subGrant("ok", "parent", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "acct/1").withConstraints("args.amount <= 100"))
          .scope(Scope.of("payments", List.of("read"), "acct/1").withConstraints("args.amount <= 500")));
      assertRefused(remit, subGrant("child", "parent", "worker")
              .scope(Scope.of("payments", List.of("transfer"), "acct/1").withConstraints("args.amount <= 100"))
              .allow("payments", List.of("read"), "acct/1"),
          "it drops or loosens constraint 'args.amount <= 500' of parent grant 'parent' for its scope 1 "
              + "{tools [payments], operations [read], resources [acct/1]} (repeat it or state a stricter one)");
    }

    @Test
    void aRootGrantMustKeepTheConstraintsOfTheEntitlementItFallsIn() {
      Remit remit = remit(base().build(), clock());
      remit.restrictEntitlements("alice", List.of(Scope.all("payments", "acct/**").withConstraints("args.amount <= 1000"),
          Scope.all("crm", "**")));

      assertThatThrownBy(() -> Fixtures.issue(remit, rootGrant("wide", "worker").allow("payments", ALL_OPS, "acct/1")))
          .isInstanceOf(GrantRefusedException.class)
          .hasMessage("grant wide refused: scope 0 {tools [payments], operations [*], resources [acct/1]} exceeds "
              + "the entitlements of principal 'alice' (as restricted at runtime) (no single scope of it contains it; closest: it drops or "
              + "loosens constraint 'args.amount <= 1000' of the scope {tools [payments], operations [*], resources "
              + "[acct/**], constraints [args.amount <= 1000]} it falls in (repeat it or state a stricter one))");
      Fixtures.issue(remit, rootGrant("by-grant", "worker").allow("payments", ALL_OPS, "acct/1").constraint("args.amount <= 1000"));
      Fixtures.issue(remit, rootGrant("by-scope", "worker").scope(Scope.all("payments", "acct/2").withConstraints("args.amount < 50")));
      Fixtures.issue(remit, rootGrant("crm", "worker").allow("crm", ALL_OPS, "x"));
    }

    @Test
    void aPolicyDocumentWhoseSubGrantDropsAScopeConstraintIsRejectedWithItsPath() {
      assertThatThrownBy(() -> base()
          .grant(rootGrant("r", "orch").scope(TRANSFERS_UP_TO_500).build())
          .grant(subGrant("s", "r", "worker").allow("payments", List.of("transfer"), "acct/1").build())
          .build())
          .isInstanceOf(PolicyException.class)
          .satisfies(e -> {
            Problem p = ((PolicyException) e).problems().get(0);
            assertThat(p.path()).isEqualTo("grants[1]");
            assertThat(p.message()).startsWith("sub-grant 's' exceeds its parent: scope 0 {tools [payments], "
                + "operations [transfer], resources [acct/1]} exceeds parent grant 'r': it drops or loosens "
                + "constraint 'args.amount <= 500'");
          });
    }
  }

  @Nested
  class ChainRecheck {
    @Test
    void aScopeConstraintAddedToTheParentBySwapBindsTheSubGrantAtDecision() {
      Remit remit = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock());
      Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1"));
      assertThat(remit.authorize(transfer("worker", 500)).allowed()).isTrue();

      remit.swapPolicy(base().grant(rootGrant("root", "orch")
          .scope(Scope.all("payments", "acct/**").withConstraints("args.amount <= 100")).build()).build());

      assertDenied(remit.authorize(transfer("worker", 500)), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'root' (ancestor of 'sub'), in its scope 0, requires args.amount <= 100 but 'args.amount' is 500");
      assertThat(remit.authorize(transfer("worker", 50)).allowed()).isTrue();
    }

    @Test
    void aParentScopeConstraintTightenedBySwapBindsTheSubGrantAtDecision() {
      Remit remit = remit(base().grant(rootGrant("root", "orch").scope(TRANSFERS_UP_TO_500).build()).build(), clock());
      Fixtures.issue(remit, subGrant("sub", "root", "worker").scope(TRANSFERS_UP_TO_500));
      assertThat(remit.authorize(transfer("worker", 400)).allowed()).isTrue();

      remit.swapPolicy(base().grant(rootGrant("root", "orch").scope(Scope.of("payments", List.of("transfer"), "acct/**")
          .withConstraints("args.amount <= 300")).build()).build());

      assertDenied(remit.authorize(transfer("worker", 400)), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'root' (ancestor of 'sub'), in its scope 0, requires args.amount <= 300 but 'args.amount' is 400");
    }
  }

  @Nested
  class Cache {
    private final MutableClock clock = new MutableClock(T0);

    private Remit cached(Policy p) {
      return Remit.builder().policy(p).clock(clock).build();
    }

    @Test
    void aDocumentScopeConstraintsAttributeIsPartOfTheCacheKey() {
      // only a scope constraint reads args.amount: were it left out of the key, the second call
      // would be served the first one's ALLOW
      Remit remit = cached(base().grant(rootGrant("g", "worker").scope(TRANSFERS_UP_TO_500).build()).build());
      for (int round = 0; round < 2; round++) {
        assertThat(remit.authorize(transfer("worker", 100)).allowed()).isTrue();
        assertThat(remit.authorize(transfer("worker", 900)).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      }
      assertThat(remit.cacheStats().hits()).as("both are cached, under different keys").isEqualTo(2);
    }

    @Test
    void aRuntimeGrantsScopeConstraintsAttributeIsPartOfTheCacheKey() {
      Remit remit = cached(base().build());
      Fixtures.issue(remit, rootGrant("g", "worker").scope(Scope.of("payments", List.of("transfer"), "acct/**")
          .withConstraints("context.env == prod")).ttl(Duration.ofHours(1)));
      Request prod = call("worker", "payments", "transfer", "acct/1").context("env", "prod").build();
      Request dev = call("worker", "payments", "transfer", "acct/1").context("env", "dev").build();
      for (int round = 0; round < 2; round++) {
        assertThat(remit.authorize(prod).allowed()).isTrue();
        assertThat(remit.authorize(dev).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      }
      assertThat(remit.cacheStats().hits()).isEqualTo(2);
    }

    @Test
    void anEntitlementsConstraintsAttributeIsPartOfTheCacheKey() {
      Policy p = base().principal(new Principal("carol", Principal.Kind.HUMAN,
              List.of(Scope.all("payments", "acct/**").withConstraints("args.amount <= 500")), Set.of()))
          .grant(Grant.builder("g").principal("carol").holder("worker").expiresAt(Fixtures.IN_ONE_HOUR)
              .allow("payments", ALL_OPS, "acct/**").constraint("args.amount <= 500").build())
          .build();
      Remit remit = cached(p);
      // the grant repeats the entitlement's limit (issuance requires it); tighten the entitlement
      // so that only the entitlement's constraint can deny
      remit.restrictEntitlements("carol", List.of(Scope.all("payments", "acct/**").withConstraints("args.fee < 5")));
      for (int round = 0; round < 2; round++) {
        assertThat(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 100)
            .arg("fee", 1).build()).allowed()).isTrue();
        assertThat(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 100)
            .arg("fee", 9).build()).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      }
      assertThat(remit.cacheStats().hits()).isEqualTo(2);
    }
  }
}
