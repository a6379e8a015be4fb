package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.IN_ONE_HOUR;
import static dev.remit.Fixtures.T0;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Adversarial review of constraints per scope: attempts to get a call ALLOWED that should not be, a
 * sub-grant accepted that widens its parent, a cached ALLOW the engine would not give, a policy
 * document accepted that should be rejected, an exception out of {@code authorize()}, or a wrong
 * reason code. Every test here that passes documents an attack that is defended.
 */
class ScopeConstraintsAdversarialTest {
  private static final Scope TRANSFERS_UP_TO_500 =
      Scope.of("payments", List.of("transfer"), "acct/**").withConstraints("args.amount <= 500");

  private static void assertDenied(Decision d, ReasonCode code) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).as(d.explain()).containsExactly(code);
  }

  private static void assertDenied(Decision d, ReasonCode code, String message) {
    assertDenied(d, code);
    assertThat(d.reasons().get(0).message()).isEqualTo(message);
  }

  private static void assertRefused(Remit remit, Grant.Builder g, String messageContains) {
    String id = g.build(remit.clock().instant()).id();
    assertThatThrownBy(() -> Fixtures.issue(remit, g))
        .isInstanceOf(GrantRefusedException.class)
        .hasMessageContaining(messageContains);
    assertThat(remit.grant(id)).as("nothing is issued").isNull();
  }

  /** Two decision points over the same policy and clock, one with the decision cache, one without. */
  private static final class Twin {
    final MutableClock clock = new MutableClock(T0);
    final Remit cached;
    final Remit plain;

    Twin(Policy p) {
      cached = Remit.builder().policy(p).clock(clock).build();
      plain = Remit.builder().policy(p).clock(clock).withoutDecisionCache().build();
    }

    void issue(Grant.Builder g) {
      Grant built = g.build(clock.instant());
      Fixtures.issue(cached, built);
      Fixtures.issue(plain, built);
    }

    void restrictEntitlements(String principal, List<Scope> e) {
      cached.restrictEntitlements(principal, e);
      plain.restrictEntitlements(principal, e);
    }

    void swap(Policy p) {
      cached.swapPolicy(p);
      plain.swapPolicy(p);
    }

    /** Decides twice in each, so a second, cached answer is compared too; returns the uncached one. */
    Decision same(Request r) {
      Decision expected = plain.authorize(r);
      for (int i = 0; i < 2; i++) {
        Decision got = cached.authorize(r);
        assertThat(got.outcome()).as("cached vs uncached for %s: %s", r, got.explain()).isEqualTo(expected.outcome());
        assertThat(got.reasons()).as("cached vs uncached for %s", r).isEqualTo(expected.reasons());
      }
      return expected;
    }
  }

  // ======================================================================== decisions

  @Nested
  class Decisions {
    @Test
    void aScopeCoveringWithAFailingConstraintDoesNotHideAnotherScopeWhoseConstraintsHold() {
      for (boolean failingFirst : new boolean[] {true, false}) {
        Scope strict = Scope.of("payments", List.of("transfer"), "acct/**").withConstraints("args.amount <= 10");
        Scope loose = Scope.of("payments", List.of("transfer"), "acct/1").withConstraints("args.currency == EUR");
        Remit remit = remit(base().build(), clock());
        Fixtures.issue(remit, failingFirst ? rootGrant("g", "worker").scope(strict).scope(loose)
            : rootGrant("g", "worker").scope(loose).scope(strict));

        Request eur = call("worker", "payments", "transfer", "acct/1").arg("amount", 900).arg("currency", "EUR").build();
        assertThat(remit.authorize(eur).allowed()).as("the loose scope allows it").isTrue();
        // neither holds: the first covering scope's failure is reported, whatever the order
        Request usd = call("worker", "payments", "transfer", "acct/1").arg("amount", 900).arg("currency", "USD").build();
        assertDenied(remit.authorize(usd), ReasonCode.CONSTRAINT_VIOLATED, failingFirst
            ? "grant 'g', in its scope 0, requires args.amount <= 10 but 'args.amount' is 900"
            : "grant 'g', in its scope 0, requires args.currency == EUR but 'args.currency' is 'USD'");
      }
    }

    @Test
    void theReasonCodeIsThatOfTheFirstCoveringScopeNotOfAnUncoveringOneOrALaterOne() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker")
          .scope(Scope.of("crm", List.of("read"), "**").withConstraints("args.never == 1"))
          .scope(Scope.of("payments", List.of("transfer"), "acct/**").withConstraints("args.amount <= 500"))
          .scope(Scope.of("payments", List.of("transfer"), "acct/**").withConstraints("args.currency == EUR")));

      // scope 1 is missing its attribute, scope 2 is false: the first covering scope (1) speaks
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("currency", "USD").build()),
          ReasonCode.MISSING_ATTRIBUTE,
          "grant 'g', in its scope 1, requires args.amount <= 500 but the request has no attribute 'args.amount'");
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", "9").build()),
          ReasonCode.ATTRIBUTE_TYPE_MISMATCH,
          "grant 'g', in its scope 1, requires args.amount <= 500 but 'args.amount' is the string '9'");
      assertThat(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", "9")
          .arg("currency", "EUR").build()).allowed()).as("scope 2 holds").isTrue();
    }

    @Test
    void aMissingAttributeNeverMakesAScopeConstraintVanish() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "acct/**")
              .withConstraints("args.dest != evil", "args.tag not in [x, y]", "args.meta.kind == invoice")));
      Request all = call("worker", "payments", "transfer", "acct/1").arg("dest", "ok").arg("tag", "z")
          .arg("meta", Map.of("kind", "invoice")).build();
      assertThat(remit.authorize(all).allowed()).isTrue();

      // each negative constraint with its attribute absent, null, or its parent not a map
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("tag", "z")
          .arg("meta", Map.of("kind", "invoice")).build()), ReasonCode.MISSING_ATTRIBUTE);
      Map<String, Object> nullDest = new HashMap<>();
      nullDest.put("dest", null);
      nullDest.put("tag", "z");
      nullDest.put("meta", Map.of("kind", "invoice"));
      assertDenied(remit.authorize(new Request("worker", "payments", "transfer", "acct/1", null, nullDest, null, null)),
          ReasonCode.MISSING_ATTRIBUTE);
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("dest", "ok")
          .arg("meta", Map.of("kind", "invoice")).build()), ReasonCode.MISSING_ATTRIBUTE);
      // a parent that is there but is not an object is a value of the wrong type, not an absent one
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("dest", "ok").arg("tag", "z")
          .arg("meta", "invoice").build()), ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("dest", "ok").arg("tag", "z")
          .arg("meta", List.of(Map.of("kind", "invoice"))).build()), ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
    }

    @Test
    void aMissingAttributeInAnEntitlementScopeConstraintDenies() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
      remit.restrictEntitlements("alice", List.of(Scope.all("payments", "acct/**").withConstraints("context.env != prod")));

      assertDenied(remit.authorize(transfer("worker", 1)), ReasonCode.MISSING_ATTRIBUTE,
          "principal 'alice', in its runtime restriction, entitlement 0, requires context.env != prod but the request has no attribute 'context.env'");
      assertThat(remit.authorize(call("worker", "payments", "transfer", "acct/1").context("env", "dev").build()).allowed())
          .isTrue();
    }

    @Test
    void typeMismatchesInScopeConstraintsDenyEvenWhenTheValueLooksRight() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "acct/**")
              .withConstraints("args.amount <= 500", "args.code != 7", "args.ok == true")));

      assertThat(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 5).arg("code", 8)
          .arg("ok", true).build()).allowed()).isTrue();
      // a string that looks like a number is not a number, for <= and for !=
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", "5").arg("code", 8)
          .arg("ok", true).build()), ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 5).arg("code", "7")
          .arg("ok", true).build()), ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 5).arg("code", 8)
          .arg("ok", "true").build()), ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", true).arg("code", 8)
          .arg("ok", true).build()), ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", Double.NaN)
          .arg("code", 8).arg("ok", true).build()), ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", List.of(1))
          .arg("code", 8).arg("ok", true).build()), ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
    }

    @Test
    void everyNumericTypeIsComparedExactlyAtAScopeConstraintsBoundary() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").scope(TRANSFERS_UP_TO_500)
          .scope(Scope.of("payments", List.of("transfer"), "big/**").withConstraints("args.amount <= 9007199254740992")));

      for (Object ok : new Object[] {500, 500L, 500.0, 500f, (short) 500, new BigDecimal("500.000"),
          BigInteger.valueOf(500), -1e300}) {
        assertThat(remit.authorize(transfer("worker", ok)).allowed()).as("%s (%s)", ok, ok.getClass()).isTrue();
      }
      for (Object over : new Object[] {501, 501L, 500.0000001, Math.nextUp(500.0), 500.01f,
          new BigDecimal("500.0000000000000000001"), BigInteger.valueOf(501), new BigDecimal("1e400")}) {
        assertDenied(remit.authorize(transfer("worker", over)), ReasonCode.CONSTRAINT_VIOLATED);
      }
      // an infinity is no amount: not comparable with the limit either way
      for (Object infinite : new Object[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
        assertDenied(remit.authorize(transfer("worker", infinite)), ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
      }
      // 2^53 + 1 as a long would round to 2^53 through a double
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "big/1").arg("amount", (1L << 53) + 1).build()),
          ReasonCode.CONSTRAINT_VIOLATED);
      assertThat(remit.authorize(call("worker", "payments", "transfer", "big/1").arg("amount", 1L << 53).build()).allowed())
          .isTrue();
    }

    @Test
    void aJsonDecimalJustAboveAScopeLimitIsDeniedLikeTheSameBigDecimal() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").scope(TRANSFERS_UP_TO_500));
      assertDenied(remit.authorize(transfer("worker", new BigDecimal("500.0000000000000001"))),
          ReasonCode.CONSTRAINT_VIOLATED);
      Request viaJson = AuthZen.parseRequest("""
          {"subject": {"type": "agent", "id": "worker"},
           "action": {"name": "transfer", "properties": {"tool": "payments", "args": {"amount": 500.0000000000000001}}},
           "resource": {"type": "account", "id": "acct/1"}}
          """);
      assertDenied(remit.authorize(viaJson), ReasonCode.CONSTRAINT_VIOLATED);
    }

    @Test
    void scopeConstraintsOnResourceAgentContextAndToolAttributesBindOnlyTheirScope() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker")
          .scope(Scope.all("s3", "bucket/**").withConstraints("resource.classification in [public, internal]",
              "resource.type == object"))
          .scope(Scope.all("crm", "**").withConstraints("agent.environment == staging", "context.region == eu"))
          .scope(Scope.of("mail", List.of("send"), "**").withConstraints("tool.destination == internal"))
          .scope(Scope.of("db", List.of("query"), "**").withConstraints("resource.id matches \"db/reports/*\"")));

      assertThat(remit.authorize(Request.of("worker", "s3", "get").resource("object", "bucket/a")
          .resourceProperty("classification", "public").build()).allowed()).isTrue();
      assertDenied(remit.authorize(Request.of("worker", "s3", "get").resource("object", "bucket/a")
          .resourceProperty("classification", "secret").build()), ReasonCode.CONSTRAINT_VIOLATED);
      assertDenied(remit.authorize(call("worker", "s3", "get", "bucket/a")
          .resourceProperty("classification", "public").build()), ReasonCode.MISSING_ATTRIBUTE);
      assertThat(remit.authorize(call("worker", "crm", "read", "x").context("region", "eu").build()).allowed()).isTrue();
      assertDenied(remit.authorize(call("worker", "crm", "read", "x").context("region", "us").build()),
          ReasonCode.CONSTRAINT_VIOLATED);
      assertDenied(remit.authorize(call("worker", "mail", "send", "x").build()), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'g', in its scope 2, requires tool.destination == internal but 'tool.destination' is 'external'");
      assertThat(remit.authorize(call("worker", "db", "query", "db/reports/q1").build()).allowed()).isTrue();
      assertDenied(remit.authorize(call("worker", "db", "query", "db/secrets/q1").build()), ReasonCode.CONSTRAINT_VIOLATED);
      assertDenied(remit.authorize(call("worker", "db", "query", "db/reports/q1/x").build()), ReasonCode.CONSTRAINT_VIOLATED);
    }

    @Test
    void anAgentScopeConstraintIsEvaluatedAgainstWhoeverActsDownTheChain() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("root", "orch").scope(Scope.all("crm", "**").withConstraints("agent.id == orch")));
      // the sub-grant repeats the constraint, so issuance accepts it; at decision the acting agent
      // is the worker, which the ancestor's scope does not admit
      Fixtures.issue(remit, subGrant("sub", "root", "worker").scope(Scope.all("crm", "**").withConstraints("agent.id == orch")));

      assertThat(remit.authorize(call("orch", "crm", "read", "x").build()).allowed()).isTrue();
      assertDenied(remit.authorize(call("worker", "crm", "read", "x").build()), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'sub', in its scope 0, requires agent.id == orch but 'agent.id' is 'worker'");
    }

    @Test
    void anEmptyConstraintListIsNoConstraintAndAStarOrGlobstarScopeStillCarriesItsConstraints() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").scope(Scope.all("**", "**").withConstraints("args.amount < 0"))
          .scope(Scope.of("crm", List.of("read"), "x").withConstraints(List.of())));

      assertThat(remit.authorize(call("worker", "crm", "read", "x").build()).allowed()).isTrue();
      assertDenied(remit.authorize(call("worker", "crm", "read", "y").build()), ReasonCode.MISSING_ATTRIBUTE);
      assertDenied(remit.authorize(call("worker", "github/issues", "write", "a/b/c").arg("amount", 1).build()),
          ReasonCode.CONSTRAINT_VIOLATED);
      assertThat(remit.authorize(call("worker", "github/issues", "write", "a/b/c").arg("amount", -1).build()).allowed())
          .isTrue();
    }

    @Test
    void aScopeMatchesConstraintMeetingAnInvalidNameDenies() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("g", "worker").scope(Scope.all("s3", "**").withConstraints("args.key matches \"public/**\"")));

      assertThat(remit.authorize(call("worker", "s3", "get", "b").arg("key", "public/a/b").build()).allowed()).isTrue();
      for (String bad : new String[] {"public/../secret", "public//x", "public/./x", "public/%2e%2e/x", "public/a\u0000"}) {
        assertDenied(remit.authorize(call("worker", "s3", "get", "b").arg("key", bad).build()),
            ReasonCode.CONSTRAINT_VIOLATED);
      }
    }
  }

  // ======================================================================== issuance

  @Nested
  class Narrowing {
    private Remit withParent(Grant.Builder parent) {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, parent);
      return remit;
    }

    @Test
    void aChildScopeSpanningAConstrainedAndAnUnconstrainedParentScopeIsRefused() {
      Remit remit = withParent(rootGrant("parent", "orch").scope(TRANSFERS_UP_TO_500)
          .allow("crm", ALL_OPS, "acct/**"));

      // tools [payments, crm] fits neither parent scope alone: refused even though it names the constraint
      assertRefused(remit, subGrant("child", "parent", "worker")
          .scope(new Scope(List.of("payments", "crm"), List.of("transfer", "read"), List.of("acct/1"))),
          "exceeds parent grant 'parent' (no single scope of it contains it");
      assertRefused(remit, subGrant("child", "parent", "worker")
          .scope(new Scope(List.of("payments", "crm"), List.of("*"), List.of("acct/1"), List.of(Constraint.parse("args.amount <= 500")))),
          "exceeds parent grant 'parent'");
      // a tool glob that reaches the constrained tool through a pattern is refused too
      assertRefused(remit, subGrant("child", "parent", "worker").allow("*", List.of("transfer"), "acct/1"),
          "exceeds parent grant 'parent'");
      // split into one scope per parent scope, each keeping what its parent scope requires: issued, and sound
      Fixtures.issue(remit, subGrant("child", "parent", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "acct/1").withConstraints("args.amount <= 500"))
          .allow("crm", List.of("read"), "acct/1"));
      assertDenied(remit.authorize(transfer("worker", 501)), ReasonCode.CONSTRAINT_VIOLATED);
      assertThat(remit.authorize(call("worker", "crm", "read", "acct/1").arg("amount", 10_000).build()).allowed()).isTrue();
    }

    @Test
    void aChildWideningOperationsOrResourcesPastAConstrainedParentScopeIsRefused() {
      Remit remit = withParent(rootGrant("parent", "orch").scope(TRANSFERS_UP_TO_500)
          .allow("payments", List.of("read"), "acct/**"));

      assertRefused(remit, subGrant("child", "parent", "worker")
          .scope(Scope.all("payments", "acct/1").withConstraints("args.amount <= 500")),
          "operation '*' is not within [transfer]");
      assertRefused(remit, subGrant("child", "parent", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "**").withConstraints("args.amount <= 1")),
          "resource pattern '**' is not within [acct/**]");
      assertRefused(remit, subGrant("child", "parent", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "acct").withConstraints("args.amount <= 1")),
          "resource pattern 'acct' is not within [acct/**]");
      // the unconstrained read scope does not lend transfer to a child that drops the limit
      assertRefused(remit, subGrant("child", "parent", "worker")
          .scope(Scope.of("payments", List.of("read", "transfer"), "acct/1")),
          "exceeds parent grant 'parent'");
    }

    @Test
    void constraintsMovingBetweenScopeAndGrantLevelAlongAThreeLevelChainStayBinding() {
      Remit remit = remit(base().build(), clock());
      // level 1: a grant-level limit over two scopes
      Fixtures.issue(remit, rootGrant("l1", "orch").allow("payments", List.of("transfer"), "acct/**")
          .allow("crm", List.of("write"), "acct/**").constraint("args.amount <= 500"));
      // level 2: the limit moves into each scope (tighter in one)
      Fixtures.issue(remit, subGrant("l2", "l1", "helper")
          .scope(Scope.of("payments", List.of("transfer"), "acct/**").withConstraints("args.amount <= 300"))
          .scope(Scope.of("crm", List.of("write"), "acct/**").withConstraints("args.amount <= 500")));
      // level 3: back to grant level, covering only the payments scope's limit
      assertRefused(remit, subGrant("l3", "l2", "worker").allow("payments", List.of("transfer"), "acct/1")
          .constraint("args.amount <= 400"), "it drops or loosens constraint 'args.amount <= 300'");
      assertRefused(remit, subGrant("l3", "l2", "worker").allow("payments", List.of("transfer"), "acct/1")
          .allow("crm", List.of("write"), "acct/1"),
          "it drops or loosens constraint 'args.amount <= 300'");
      // a grant-level limit that covers a scope the level-2 parent limited less is fine for both
      Fixtures.issue(remit, subGrant("l3", "l2", "worker").allow("payments", List.of("transfer"), "acct/1")
          .allow("crm", List.of("write"), "acct/1").constraint("args.amount <= 300"));

      assertThat(remit.authorize(transfer("worker", 300)).allowed()).isTrue();
      assertDenied(remit.authorize(transfer("worker", 301)), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'l3' requires args.amount <= 300 but 'args.amount' is 301");
      assertDenied(remit.authorize(call("worker", "crm", "write", "acct/1").build()), ReasonCode.MISSING_ATTRIBUTE);
    }

    @Test
    void aChildCannotDropAParentGrantConstraintForOneOfItsScopesByStatingItInAnother() {
      Remit remit = withParent(rootGrant("parent", "orch").allow("payments", ALL_OPS, "acct/**")
          .constraint("args.amount <= 500").constraint("context.env == prod"));

      assertRefused(remit, subGrant("child", "parent", "worker")
          .scope(Scope.of("payments", List.of("transfer"), "acct/1").withConstraints("args.amount <= 100", "context.env == prod"))
          .scope(Scope.of("payments", List.of("read"), "acct/1").withConstraints("args.amount <= 100")),
          "it drops or loosens constraint 'context.env == prod' of parent grant 'parent' for its scope 1");
    }

    @Test
    void impliesEdgeCasesAreRefusedWhenTheChildAdmitsAValueTheParentDoesNot() {
      String[][] refused = {
          // parent scope constraint, child constraint that would widen it
          {"args.amount <= 500", "args.amount in [100, 501]"},
          {"args.amount <= 500", "args.amount in [100, \"100\"]"},
          {"args.amount <= 500", "args.amount == \"500\""},
          {"args.amount <= 500", "args.amount < 500.0000001"},
          {"args.amount < 500", "args.amount <= 500"},
          {"args.amount <= 500", "args.amount != 501"},
          {"args.amount <= 500", "args.amount not in [501]"},
          {"args.amount <= 500", "args.total <= 100"},
          {"args.amount <= 500", "args.amount >= 0"},
          {"args.amount >= 0", "args.amount > -1"},
          {"args.amount == 5", "args.amount in [5, 5.5]"},
          {"args.amount == 5", "args.amount <= 5"},
          {"args.dest != evil", "args.dest not in [evil, 1]"},
          {"args.dest != evil", "args.dest in [evil]"},
          {"args.dest not in [evil, bad]", "args.dest not in [evil]"},
          {"args.dest not in [evil, bad]", "args.dest != evil"},
          {"args.dest not in [evil]", "args.dest not in [evil, 1]"},
          {"args.dest in [a, b]", "args.dest in [a, c]"},
          {"args.dest in [a, b]", "args.dest matches \"a\""},
          {"args.dest in [a, b]", "args.dest not in [c]"},
          {"args.path matches \"r/a/*\"", "args.path matches \"r/a/**\""},
          {"args.path matches \"r/**\"", "args.path == \"r/../x\""},
          {"args.path matches \"r/**\"", "args.path == r"},
          {"args.ok == true", "args.ok in [true, false]"},
          {"args.ok == true", "args.ok != false"},
          {"args.x == 1", "args.x in [1, true]"},
          // -0 and 0 are one number to evaluation but two Doubles to equals()
          {"args.x != 0", "args.x in [-0]"},
          {"args.x != 0", "args.x == -0"},
          {"args.x not in [0]", "args.x != -0"},
          {"args.x > 0", "args.x >= -0"},
          // a string that looks like a number, against a number, and the reverse
          {"args.x in [5]", "args.x in [\"5\"]"},
          {"args.x == \"5\"", "args.x == 5"},
      };
      for (String[] c : refused) {
        Remit remit = withParent(rootGrant("parent", "orch")
            .scope(Scope.all("payments", "acct/**").withConstraints(c[0])));
        assertRefused(remit, subGrant("child", "parent", "worker")
            .scope(Scope.all("payments", "acct/1").withConstraints(c[1])), "drops or loosens constraint '");
        // the same at grant level
        Remit remit2 = withParent(rootGrant("parent", "orch").allow("payments", ALL_OPS, "acct/**").constraint(c[0]));
        assertRefused(remit2, subGrant("child", "parent", "worker").allow("payments", ALL_OPS, "acct/1")
            .constraint(c[1]), "drops or loosens constraint '");
      }
    }

    @Test
    void impliesEdgeCasesThatAreTrulyStricterAreIssuedAndHoldAtDecision() {
      String[][] accepted = {
          {"args.amount <= 500", "args.amount < 500"},
          {"args.amount <= 500", "args.amount in [1, 500]"},
          {"args.amount <= 500", "args.amount == 500.0"},
          {"args.amount < 500", "args.amount <= 499.99"},
          {"args.dest != evil", "args.dest not in [evil, bad]"},
          {"args.dest not in [evil]", "args.dest != evil"},
          {"args.dest in [a, b]", "args.dest == a"},
          {"args.path matches \"r/**\"", "args.path matches \"r/a/*\""},
          {"args.path matches \"r/**\"", "args.path in [r/a, r/b/c]"},
      };
      for (String[] c : accepted) {
        Remit remit = withParent(rootGrant("parent", "orch")
            .scope(Scope.all("payments", "acct/**").withConstraints(c[0])));
        Fixtures.issue(remit, subGrant("child", "parent", "worker").scope(Scope.all("payments", "acct/1").withConstraints(c[1])));
      }
    }

    @Test
    void aRootGrantMustKeepAnEntitlementScopeConstraintSetAtRuntimeAndOneIssuedBeforeIsReCheckedAtDecision() {
      Remit remit = remit(base().build(), clock());
      Fixtures.issue(remit, rootGrant("before", "worker").allow("payments", ALL_OPS, "acct/**"));
      remit.restrictEntitlements("alice", List.of(Scope.all("payments", "acct/**").withConstraints("resource.tier == gold"),
          Scope.all("crm", "**")));

      assertRefused(remit, rootGrant("after", "worker").allow("payments", ALL_OPS, "acct/1"),
          "it drops or loosens constraint 'resource.tier == gold'");
      // a runtime sub-grant of the older grant must keep the current entitlement constraint too
      assertRefused(remit, subGrant("sub", "before", "helper").allow("payments", ALL_OPS, "acct/1"),
          "exceeds the current entitlements of principal 'alice'");
      assertDenied(remit.authorize(transfer("worker", 1)), ReasonCode.MISSING_ATTRIBUTE,
          "principal 'alice', in its runtime restriction, entitlement 0, requires resource.tier == gold but the request has no attribute "
              + "'resource.tier'");
      assertThat(remit.authorize(call("worker", "payments", "transfer", "acct/1").resourceProperty("tier", "gold").build())
          .allowed()).isTrue();
    }

    @Test
    void aGrandchildIssuedAfterASwapTightenedTheRootIsCheckedAgainstItsParentOnlyButDeniedAtDecision() {
      Remit remit = remit(ReasonCodeCoverageTest.withDocRoot("acct/**"), clock());
      Fixtures.issue(remit, subGrant("mid", "root", "helper").allow("payments", ALL_OPS, "acct/**"));
      remit.swapPolicy(base().grant(rootGrant("root", "orch")
          .scope(Scope.all("payments", "acct/**").withConstraints("args.amount <= 100")).build()).build());

      // issuance compares with the immediate parent (still unconstrained), so the grandchild is issued ...
      Fixtures.issue(remit, subGrant("leaf", "mid", "worker").allow("payments", ALL_OPS, "acct/1"));
      // ... and the root's new scope constraint binds it on every decision
      assertDenied(remit.authorize(transfer("worker", 500)), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'root' (ancestor of 'leaf'), in its scope 0, requires args.amount <= 100 but 'args.amount' is 500");
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/1").build()), ReasonCode.MISSING_ATTRIBUTE);
      assertThat(remit.authorize(transfer("worker", 100)).allowed()).isTrue();
    }

    @Test
    void anEntitlementScopeWithoutConstraintsNextToAConstrainedOneAdmitsWhatItCovers() {
      Remit remit = remit(base().build(), clock());
      remit.restrictEntitlements("alice", List.of(Scope.all("payments", "acct/**").withConstraints("args.amount <= 10"),
          Scope.of("payments", List.of("transfer"), "acct/open/*")));
      // fits the unconstrained entitlement scope: issued, and sound since that scope admits it at decision
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", List.of("transfer"), "acct/open/*"));
      assertThat(remit.authorize(call("worker", "payments", "transfer", "acct/open/1").arg("amount", 1000).build())
          .allowed()).isTrue();
      assertRefused(remit, rootGrant("g2", "worker").allow("payments", List.of("transfer"), "acct/**"),
          "exceeds the entitlements of principal 'alice'");
      // the entitlement narrowed at runtime: the grant issued before is denied by the entitlement's constraint
      remit.restrictEntitlements("alice", List.of(Scope.all("payments", "acct/**").withConstraints("args.amount <= 10")));
      assertDenied(remit.authorize(call("worker", "payments", "transfer", "acct/open/1").arg("amount", 1000).build()),
          ReasonCode.CONSTRAINT_VIOLATED,
          "principal 'alice', in its runtime restriction, entitlement 0, requires args.amount <= 10 but 'args.amount' is 1000");
    }

    @Test
    void aPolicyDocumentSubGrantSpanningTwoParentScopesIsRejectedAtItsPath() {
      assertThatThrownBy(() -> base()
          .grant(rootGrant("r", "orch").scope(TRANSFERS_UP_TO_500).allow("payments", List.of("read"), "acct/**").build())
          .grant(subGrant("s", "r", "worker").scope(Scope.all("payments", "acct/1").withConstraints("args.amount <= 500"))
              .build())
          .build())
          .isInstanceOf(PolicyException.class)
          .satisfies(e -> assertThat(((PolicyException) e).problems()).extracting(Problem::path).containsExactly("grants[1]"));
    }
  }

  // ======================================================================== decision cache

  @Nested
  class Cache {
    private Request crm(String lane) {
      Request.Builder b = call("worker", "crm", "read", "deals/1");
      return lane == null ? b.build() : b.context("lane", lane).build();
    }

    @Test
    void setEntitlementsWithAConstraintOnAnAttributeNothingElseReadsRebuildsTheKey() {
      Twin t = new Twin(base().grant(rootGrant("g", "worker").allow("crm", ALL_OPS, "**").build()).build());
      for (String lane : new String[] {"fast", "slow", null}) {
        assertThat(t.same(crm(lane)).allowed()).isTrue();
      }
      t.restrictEntitlements("alice", List.of(Scope.all("crm", "**").withConstraints("context.lane != slow")));
      // the fast call is cached first, then the slow one must not be served its ALLOW
      assertThat(t.same(crm("fast")).allowed()).isTrue();
      assertThat(t.same(crm("slow")).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      assertThat(t.same(crm(null)).codes()).containsExactly(ReasonCode.MISSING_ATTRIBUTE);
      assertThat(t.same(crm("fast")).allowed()).isTrue();
      // and back: the attribute leaves the key, the answers follow
      t.restrictEntitlements("alice", List.of(Scope.all("crm", "**")));
      assertThat(t.same(crm("slow")).allowed()).isTrue();
      assertThat(t.cached.cacheStats().hits()).isPositive();
    }

    @Test
    void aSwapThatAddsADocumentScopeConstraintOnANewAttributeRebuildsTheKey() {
      Twin t = new Twin(base().grant(rootGrant("g", "worker").allow("crm", ALL_OPS, "**").build()).build());
      assertThat(t.same(crm("fast")).allowed()).isTrue();
      assertThat(t.same(crm("slow")).allowed()).isTrue();
      t.swap(base().grant(rootGrant("g", "worker").scope(Scope.all("crm", "**").withConstraints("context.lane == fast"))
          .build()).build());
      assertThat(t.same(crm("fast")).allowed()).isTrue();
      assertThat(t.same(crm("slow")).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      // swapping back to the unconstrained grant must not leave the constraint behind either
      t.swap(base().grant(rootGrant("g", "worker").allow("crm", ALL_OPS, "**").build()).build());
      assertThat(t.same(crm("slow")).allowed()).isTrue();
    }

    @Test
    void aRuntimeSubGrantWhoseScopeConstraintReadsANewAttributeIsKeyedOnIt() {
      Twin t = new Twin(base().grant(rootGrant("doc", "orch").allow("crm", ALL_OPS, "**").build()).build());
      // the worker holds nothing yet: cache a DENY for both lanes first
      assertThat(t.same(crm("fast")).codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
      t.issue(subGrant("rt", "doc", "worker").scope(Scope.all("crm", "deals/**").withConstraints("context.lane == fast")));
      assertThat(t.same(crm("fast")).allowed()).isTrue();
      assertThat(t.same(crm("slow")).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      // a second runtime grant of another holder reading yet another attribute
      t.issue(rootGrant("rt2", "helper").scope(Scope.all("crm", "**").withConstraints("args.priority <= 1")));
      assertThat(t.same(crm("fast")).allowed()).isTrue();
      assertThat(t.same(call("helper", "crm", "read", "x").arg("priority", 1).build()).allowed()).isTrue();
      assertThat(t.same(call("helper", "crm", "read", "x").arg("priority", 2).build()).codes())
          .containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
    }

    @Test
    void anAncestorScopeConstraintIsInTheKeyOfItsDescendantsDecisions() {
      // only the document root's scope reads args.amount; the leaf (runtime) reads nothing
      Twin t = new Twin(base().grant(rootGrant("root", "orch").scope(TRANSFERS_UP_TO_500).build()).build());
      t.issue(subGrant("leaf", "root", "worker").scope(TRANSFERS_UP_TO_500));
      assertThat(t.same(transfer("worker", 100)).allowed()).isTrue();
      assertThat(t.same(transfer("worker", 900)).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
    }

    @Test
    void numericTypesAtAScopeConstraintBoundaryAreDifferentKeys() {
      Twin t = new Twin(base().grant(rootGrant("g", "worker").scope(TRANSFERS_UP_TO_500).build()).build());
      for (Object v : new Object[] {500, 500.0, 500L, new BigDecimal("500.00"), new BigDecimal("500.0000000001"),
          500.0000001, 501, "500", BigInteger.valueOf(500), 500f, Math.nextUp(500.0), -0.0, 0.0}) {
        t.same(transfer("worker", v));
      }
      for (Object v : new Object[] {new BigDecimal("500.0000000001"), 500, "500", 500.0000001, new BigDecimal("500.00")}) {
        t.same(transfer("worker", v));
      }
    }

    @Test
    void resourceTypeAndPropertiesReadOnlyByAScopeConstraintAreKeyed() {
      Twin t = new Twin(base().grant(rootGrant("g", "worker").scope(Scope.all("s3", "**")
          .withConstraints("resource.type == report", "resource.owner.team == blue")).build()).build());
      String[] types = {"report", "secret", null};
      String[] teams = {"blue", "red", null};
      for (int round = 0; round < 2; round++) {
        for (String type : types) {
          for (String team : teams) {
            Request.Builder b = Request.of("worker", "s3", "get").resource(type, "b/1");
            if (team != null) {
              b.resourceProperty("owner", Map.of("team", team));
            }
            t.same(b.build());
          }
        }
      }
    }

    @Test
    void cachedAndUncachedAgreeUnderRandomScopeConstraintChanges() {
      String[] constraints = {"args.amount <= 500", "args.amount < 100", "context.lane != slow", "context.lane == fast",
          "resource.tier in [gold, silver]", "resource.type == account", "args.meta.kind == invoice",
          "args.flag == true", "agent.environment == staging", "tool.risk == money-movement", "args.amount in [1, 2.5]"};
      Object[] amounts = {1, 2.5, 99, 100, 100.0, 500L, new BigDecimal("500.00"), 501, "1", null};
      String[] lanes = {"fast", "slow", null};
      for (long seed = 1; seed <= 4; seed++) {
        java.util.Random rnd = new java.util.Random(seed);
        Twin t = new Twin(base().grant(rootGrant("doc", "orch").allow("payments", ALL_OPS, "acct/**")
            .allow("crm", ALL_OPS, "**").build()).build());
        List<Request> recent = new ArrayList<>();
        int issued = 0;
        for (int step = 0; step < 400; step++) {
          int what = rnd.nextInt(100);
          if (what < 85) {
            Request r;
            if (!recent.isEmpty() && rnd.nextInt(3) == 0) {
              r = recent.get(rnd.nextInt(recent.size()));
            } else {
              String tool = rnd.nextBoolean() ? "payments" : "crm";
              Request.Builder b = Request.of(rnd.nextBoolean() ? "worker" : "helper", tool,
                  tool.equals("payments") ? (rnd.nextBoolean() ? "transfer" : "read") : "read")
                  .resource(rnd.nextBoolean() ? "account" : null, "acct/" + rnd.nextInt(2));
              Object amount = amounts[rnd.nextInt(amounts.length)];
              if (amount != null) {
                b.arg("amount", amount);
              }
              String lane = lanes[rnd.nextInt(lanes.length)];
              if (lane != null) {
                b.context("lane", lane);
              }
              if (rnd.nextBoolean()) {
                b.resourceProperty("tier", rnd.nextBoolean() ? "gold" : "bronze");
              }
              if (rnd.nextBoolean()) {
                b.arg("meta", Map.of("kind", rnd.nextBoolean() ? "invoice" : "memo"));
              }
              if (rnd.nextBoolean()) {
                b.arg("flag", rnd.nextBoolean());
              }
              r = b.build();
              recent.add(r);
              if (recent.size() > 10) {
                recent.remove(0);
              }
            }
            t.same(r);
          } else if (what < 92) {
            String holder = rnd.nextBoolean() ? "worker" : "helper";
            Scope sc = Scope.all(rnd.nextBoolean() ? "payments" : "crm", rnd.nextBoolean() ? "acct/**" : "acct/1")
                .withConstraints(constraints[rnd.nextInt(constraints.length)]);
            Grant.Builder g = rnd.nextBoolean() ? rootGrant("rt" + issued++, holder).scope(sc)
                : subGrant("rt" + issued++, "doc", holder).scope(sc);
            try {
              t.issue(g);
            } catch (GrantRefusedException e) {
              // both refuse alike: the twin's second issue never ran, and the first refused
            }
          } else if (what < 97) {
            List<Scope> e = new ArrayList<>();
            e.add(Scope.all("payments", "**").withConstraints(constraints[rnd.nextInt(constraints.length)]));
            e.add(rnd.nextBoolean() ? Scope.all("crm", "**") : Scope.all("crm", "**")
                .withConstraints(constraints[rnd.nextInt(constraints.length)]));
            if (rnd.nextBoolean()) {
              e.add(Scope.all("**", "**"));
            }
            t.restrictEntitlements("alice", e);
          } else {
            t.swap(base().grant(rootGrant("doc", "orch").scope(Scope.all("payments", "acct/**")
                    .withConstraints(constraints[rnd.nextInt(constraints.length)]))
                .scope(Scope.all("crm", "**").withConstraints(constraints[rnd.nextInt(constraints.length)])).build())
                .grant(rootGrant("doc2", "worker").scope(Scope.all("crm", "acct/**")
                    .withConstraints(constraints[rnd.nextInt(constraints.length)])).build())
                .build());
          }
        }
        assertThat(t.cached.cacheStats().hits()).as("seed %s exercised the cache", seed).isPositive();
      }
    }

    /**
     * A nested argument map supplied by the host that returns a different value on each read (a
     * lazily parsed or concurrently mutated map). The cache reads it for the key, the engine reads it
     * again to decide: the decision for one value is stored under the key of the other.
     */
    @Test
    void aNestedValueThatChangesBetweenKeyAndEvaluationMustNotPoisonTheCache() {
      Twin t = new Twin(base().grant(rootGrant("g", "worker").scope(Scope.of("payments", List.of("transfer"), "acct/**")
          .withConstraints("args.meta.amount <= 500")).build()).build());
      AtomicInteger reads = new AtomicInteger();
      Map<String, Object> flipping = new AbstractMap<>() {
        @Override
        public Object get(Object key) {
          return "amount".equals(key) ? (reads.getAndIncrement() % 2 == 0 ? 900 : 100) : null;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
          return Set.of(Map.entry("amount", 900));
        }
      };
      t.cached.authorize(call("worker", "payments", "transfer", "acct/1").arg("meta", flipping).build());
      Request honest = call("worker", "payments", "transfer", "acct/1").arg("meta", Map.of("amount", 900)).build();
      assertThat(t.plain.authorize(honest).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      assertThat(t.cached.authorize(honest).outcome()).as("cached answer for an amount of 900").isEqualTo(Outcome.DENY);
    }
  }

  // ======================================================================== policy documents

  @Nested
  class Documents {
    /** PolicyReaderTest's base document with its one scope written out, {@code %s} for more scope keys. */
    private static final String DOC = PolicyReaderTest.BASE.replace(
        "    scopes: [{tools: [payments], operations: [charge], resources: [\"**\"]}]\n",
        "    scopes:\n      - tools: [payments]\n        operations: [charge]\n        resources: [\"**\"]\n%s\n");

    private List<Problem> problems(String scopeExtra) {
      try {
        Policy.parse(DOC.formatted(scopeExtra), "p.yaml");
      } catch (PolicyException e) {
        return e.problems();
      }
      throw new AssertionError("accepted: " + scopeExtra);
    }

    private Policy parse(String scopeExtra) {
      return Policy.parse(DOC.formatted(scopeExtra), "p.yaml");
    }

    private static final String AT = "        ";

    @Test
    void anEmptyListNullAndTildeLoadAsNoConstraintsAsDocumentedForNull() {
      for (String empty : new String[] {"constraints: []", "constraints: null", "constraints: ~"}) {
        assertThat(parse(AT + empty).grants().get(0).scopes().get(0).constraints()).as(empty).isEmpty();
      }
    }

    @Test
    void anEmptyYamlValueForScopeConstraintsIsAbsentWhileAQuotedEmptyStringIsRejected() {
      // docs/policy-format.md: an empty value ("owner:") counts as absent, like null
      assertThat(parse(AT + "constraints:").grants().get(0).scopes().get(0).constraints()).isEmpty();
      for (String empty : new String[] {"constraints: ''", "constraints: \"\""}) {
        assertThat(problems(AT + empty)).as(empty).extracting(Problem::path, Problem::message)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("grants[0].scopes[0].constraints", "expected a list, got a string"));
      }
    }

    @Test
    void aScalarOrAMapOrNonStringItemsAreRejectedAtTheScopesPath() {
      assertThat(problems(AT + "constraints: \"args.amount <= 500\"")).extracting(Problem::path, Problem::message)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("grants[0].scopes[0].constraints", "expected a list, got a string"));
      assertThat(problems(AT + "constraints: {args.amount: 500}")).extracting(Problem::path)
          .containsExactly("grants[0].scopes[0].constraints");
      assertThat(problems(AT + "constraints: [\"args.amount <= 500\", 500]")).extracting(Problem::path)
          .containsExactly("grants[0].scopes[0].constraints[1]");
      assertThat(problems(AT + "constraints: [null]")).extracting(Problem::path)
          .containsExactly("grants[0].scopes[0].constraints[0]");
      assertThat(problems(AT + "constraints:\n" + AT + "  - args.amount: 500")).extracting(Problem::path)
          .containsExactly("grants[0].scopes[0].constraints[0]");
    }

    @Test
    void aDuplicateOrMisspelledConstraintsKeyInAScopeIsRejectedNotIgnored() {
      assertThat(problems(AT + "constraints: [\"args.amount <= 500\"]\n" + AT + "constraints: []"))
          .extracting(Problem::message).anySatisfy(m -> assertThat(m).contains("duplicate key 'constraints'"));
      assertThat(problems(AT + "constraint: [\"args.amount <= 500\"]")).extracting(Problem::path, Problem::message)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("grants[0].scopes[0].constraint", "unknown key 'constraint'"));
      assertThat(problems(AT + "when: [\"args.amount <= 500\"]")).extracting(Problem::path)
          .containsExactly("grants[0].scopes[0].when");
    }

    @Test
    void aJsonScopeWithADuplicateConstraintsKeyIsRejected() {
      String json = """
          {"agents": [{"id": "bot"}],
           "principals": [{"id": "alice", "kind": "human", "entitlements": [
             {"tools": ["payments"], "operations": ["*"], "resources": ["**"]}]}],
           "tools": [{"name": "payments", "operations": {"charge": "money-movement"}}],
           "grants": [{"id": "g1", "principal": "alice", "holder": "bot", "expires_at": "2030-01-01T00:00:00Z",
             "scopes": [{"tools": ["payments"], "operations": ["charge"], "resources": ["**"],
                         "constraints": ["args.amount <= 500"], "constraints": []}]}]}
          """;
      assertThatThrownBy(() -> Policy.parse(json, "p.json")).isInstanceOf(PolicyException.class)
          .satisfies(e -> assertThat(((PolicyException) e).problems()).extracting(Problem::message)
              .anySatisfy(m -> assertThat(m).contains("duplicate key 'constraints'")));
    }

    @Test
    void anEntitlementScopeConstraintInADocumentBindsItsRootGrantsAndDecisions() {
      String doc = DOC.replace("resources: [\"**\"]}", "resources: [\"**\"], constraints: [\"args.amount <= 500\"]}");
      assertThatThrownBy(() -> Policy.parse(doc.formatted(""), "p.yaml")).isInstanceOf(PolicyException.class)
          .satisfies(e -> assertThat(((PolicyException) e).problems()).extracting(Problem::path)
              .containsExactly("grants[0].scopes"));
      Policy ok = Policy.parse(doc.formatted(AT + "constraints: [\"args.amount < 100\"]"), "p.yaml");
      Remit remit = Remit.builder().policy(ok).clock(new MutableClock(T0)).build();
      assertThat(remit.authorize(Request.of("bot", "payments", "charge").resource("x").arg("amount", 99).build()).allowed())
          .isTrue();
      assertThat(remit.authorize(Request.of("bot", "payments", "charge").resource("x").arg("amount", 100).build()).codes())
          .containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
    }

    @Test
    void aBadConstraintInASubGrantsScopeIsReportedAtItsEntry() {
      String doc = DOC.formatted(AT + "constraints: [\"args.amount <= 500\"]") + """
            - id: g2
              parent: g1
              holder: bot
              expires_at: 2030-01-01T00:00:00Z
              scopes:
                - {tools: [payments], operations: [charge], resources: ["a/**"], constraints: ["args.amount <= 100", "args.amount =< 5"]}
          """;
      assertThatThrownBy(() -> Policy.parse(doc, "p.yaml")).isInstanceOf(PolicyException.class)
          .satisfies(e -> assertThat(((PolicyException) e).problems()).extracting(Problem::path)
              .containsExactly("grants[1].scopes[0].constraints[1]"));
    }
  }

  // ======================================================================== exceptions

  @Nested
  class NothingEscapesAuthorize {
    /** A number whose every accessor throws, or whose value is NaN. */
    private Number hostileNumber(boolean nan) {
      return new Number() {
        @Override
        public int intValue() {
          throw new IllegalStateException("boom");
        }

        @Override
        public long longValue() {
          throw new IllegalStateException("boom");
        }

        @Override
        public float floatValue() {
          return nan ? Float.NaN : thrower();
        }

        @Override
        public double doubleValue() {
          return nan ? Double.NaN : thrower();
        }

        private int thrower() {
          throw new IllegalStateException("boom");
        }

        @Override
        public String toString() {
          throw new IllegalStateException("toString boom");
        }
      };
    }

    @Test
    void hostileValuesInScopeAndEntitlementConstraintsFailClosedWithAndWithoutTheCache() {
      for (boolean cached : new boolean[] {true, false}) {
        Remit remit = remit(base().build(), clock(), cached);
        Fixtures.issue(remit, rootGrant("g", "worker").scope(TRANSFERS_UP_TO_500)
            .scope(Scope.all("crm", "**").withConstraints("args.who == me")));
        remit.restrictEntitlements("alice", List.of(Scope.all("payments", "**").withConstraints("args.amount >= 0"),
            Scope.all("crm", "**")));

        for (Object v : new Object[] {hostileNumber(false), hostileNumber(true), FailClosedTest.throwingMap(),
            new Object() {
              @Override
              public String toString() {
                throw new IllegalStateException("toString boom");
              }
            }}) {
          Decision[] d = new Decision[1];
          assertThatCode(() -> d[0] = remit.authorize(transfer("worker", v))).doesNotThrowAnyException();
          assertThat(d[0].outcome()).isEqualTo(Outcome.DENY);
          assertThatCode(() -> d[0] = remit.authorize(call("worker", "crm", "read", "x").arg("who", v).build()))
              .doesNotThrowAnyException();
          assertThat(d[0].outcome()).isEqualTo(Outcome.DENY);
        }
      }
    }
  }
}
