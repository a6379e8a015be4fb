package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rule with {@code on_missing: not_applicable} is skipped only when its attribute is absent: a
 * value of the wrong type denies, through forbid and require-approval rules, cached or not.
 */
class RuleTypeMismatchTest {
  private static final List<Object> NOT_NUMBERS = List.of("0.95", "99", true, List.of(99), Map.of("v", 99));

  private static Remit guarded(boolean cached) {
    Policy p = base()
        .rule(Rule.forbid("risky-session").when("context.risk_score > 0.8")
            .onMissing(Rule.OnMissing.NOT_APPLICABLE).build())
        .rule(Rule.forbid("no-confidential").tool("s3").when("resource.classification == confidential")
            .onMissing(Rule.OnMissing.NOT_APPLICABLE).build())
        .rule(Rule.requireApproval("large-payments", "finance").tool("payments").when("args.amount > 200")
            .onMissing(Rule.OnMissing.NOT_APPLICABLE).build())
        .build();
    Remit r = Fixtures.remit(p, clock(), cached);
    r.issue(rootGrant("all", "worker").allow("**", ALL_OPS, "**"));
    return r;
  }

  private static void assertCannotTell(Decision d, String rule, ReasonCode code) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).as(d.explain()).containsExactly(code);
    assertThat(d.reasons().get(0).message()).startsWith("rule '" + rule + "' cannot tell whether it applies");
  }

  @Test
  void aForbidRuleDeniesAValueOfTheWrongTypeInsteadOfBeingSkipped() {
    for (boolean cached : new boolean[] {true, false}) {
      Remit r = guarded(cached);
      for (int round = 0; round < 2; round++) {
        for (Object v : NOT_NUMBERS) {
          assertCannotTell(r.authorize(call("worker", "crm", "read", "c/1").context("risk_score", v).build()),
              "risky-session", ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
        }
        for (Object v : List.of(1, 0.5, true, List.of("confidential"), Map.of("level", "confidential"))) {
          assertCannotTell(r.authorize(call("worker", "s3", "get", "b/1").resourceProperty("classification", v)
              .build()), "no-confidential", ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
        }
        assertThat(r.authorize(call("worker", "crm", "read", "c/1").build()).allowed())
            .as("an absent score skips the rule, as configured").isTrue();
        assertThat(r.authorize(call("worker", "crm", "read", "c/1").context("risk_score", 0.5).build()).allowed())
            .isTrue();
        assertThat(r.authorize(call("worker", "crm", "read", "c/1").context("risk_score", 0.95).build()).codes())
            .containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
      }
      r.close();
    }
  }

  @Test
  void aRequireApprovalRuleDeniesAValueOfTheWrongTypeInsteadOfAllowing() {
    for (boolean cached : new boolean[] {true, false}) {
      Remit r = guarded(cached);
      for (int round = 0; round < 2; round++) {
        for (Object v : NOT_NUMBERS) {
          assertCannotTell(r.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", v).build()),
              "large-payments", ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
        }
        assertThat(r.authorize(call("worker", "payments", "transfer", "acct/1").build()).allowed()).isTrue();
        assertThat(r.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 250).build()).codes())
            .containsExactly(ReasonCode.APPROVAL_REQUIRED);
      }
      r.close();
    }
  }

  @Test
  void aPatternRuleDeniesAValueThatIsNotAValidNameInsteadOfBeingSkipped() {
    Policy p = base().rule(Rule.forbid("no-secret-paths").tool("s3").when("args.path matches \"secrets/**\"")
        .onMissing(Rule.OnMissing.NOT_APPLICABLE).build()).build();
    Remit r = remit(p, clock());
    r.issue(rootGrant("all", "worker").allow("**", ALL_OPS, "**"));
    for (String path : List.of("public/../secrets/keys", "secrets/%2e%2e/keys", "secrets/k\u200B", "secrets//keys")) {
      // a matches condition that meets an invalid name is reported as a violated constraint
      assertCannotTell(r.authorize(call("worker", "s3", "get", "b/1").arg("path", path).build()), "no-secret-paths",
          ReasonCode.CONSTRAINT_VIOLATED);
    }
    assertCannotTell(r.authorize(call("worker", "s3", "get", "b/1").arg("path", List.of("secrets/keys")).build()),
        "no-secret-paths", ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
    assertThat(r.authorize(call("worker", "s3", "get", "b/1").arg("path", "public/x").build()).allowed()).isTrue();
  }

  @Test
  void aPathThroughAValueThatIsNotAnObjectDeniesAndIsNeverCachedAsAbsent() {
    Policy p = base().rule(Rule.forbid("no-sanctioned").tool("payments").when("args.payee.country in [KP, IR]")
        .onMissing(Rule.OnMissing.NOT_APPLICABLE).build()).build();
    for (boolean cached : new boolean[] {true, false}) {
      Remit r = Fixtures.remit(p, clock(), cached);
      r.issue(rootGrant("all", "worker").allow("**", ALL_OPS, "**"));
      for (int round = 0; round < 2; round++) {
        assertThat(r.authorize(call("worker", "payments", "transfer", "acct/1").build()).allowed())
            .as("no payee at all: the rule is skipped, as configured").isTrue();
        for (Object payee : List.of("KP", List.of(Map.of("country", "KP")), 7, true)) {
          assertCannotTell(r.authorize(call("worker", "payments", "transfer", "acct/1").arg("payee", payee).build()),
              "no-sanctioned", ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
        }
        assertThat(r.authorize(call("worker", "payments", "transfer", "acct/1").arg("payee", Map.of("country", "KP"))
            .build()).codes()).containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
      }
      r.close();
    }
  }

  @Test
  void theReasonNamesTheConditionThatWasOfTheWrongType() {
    Policy p = base().rule(Rule.forbid("two").tool("payments").when("args.currency in [EUR, USD]")
        .when("args.amount > 200").onMissing(Rule.OnMissing.NOT_APPLICABLE).build()).build();
    Remit r = remit(p, clock());
    r.issue(rootGrant("all", "worker").allow("**", ALL_OPS, "**"));
    Decision d = r.authorize(call("worker", "payments", "transfer", "acct/1").arg("currency", "EUR")
        .arg("amount", "900").build());
    assertCannotTell(d, "two", ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
    assertThat(d.reasons().get(0).message()).contains("requires args.amount > 200 but 'args.amount' is the string '900'");
  }
}
