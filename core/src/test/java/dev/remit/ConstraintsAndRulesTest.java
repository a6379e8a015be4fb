package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.T0;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Grant constraints and guardrail rules as they shape decisions. */
class ConstraintsAndRulesTest {

  private static void assertDenied(Decision d, ReasonCode code, String message) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).containsExactly(code);
    assertThat(d.reasons().get(0).message()).isEqualTo(message);
  }

  @Nested
  class GrantConstraints {
    private final Remit remit = remit(base().build(), clock());

    {
      Fixtures.issue(remit, rootGrant("pay", "worker").allow("payments", ALL_OPS, "acct/**")
          .constraint("args.amount <= 500").constraint("args.currency in [EUR, USD]"));
      Fixtures.issue(remit, rootGrant("files", "helper").allow("s3", ALL_OPS, "**")
          .constraint("args.path matches \"reports/**\"")
          .constraint("resource.classification not in [secret, restricted]"));
    }

    private Decision pay(Object amount, Object currency) {
      return remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", amount)
          .arg("currency", currency).build());
    }

    private Decision read(String path, String classification) {
      Request.Builder b = call("helper", "s3", "get", "s3://bucket/x").arg("path", path);
      if (classification != null) {
        b.resourceProperty("classification", classification);
      }
      return remit.authorize(b.build());
    }

    @Test
    void everyNumericTypeIsComparedByValue() {
      for (Object amount : List.of(500, 500L, 500.0, new BigDecimal("500.00"), 499.99f)) {
        assertThat(pay(amount, "EUR").allowed()).as("%s", amount.getClass()).isTrue();
      }
      assertDenied(pay(new BigDecimal("500.01"), "EUR"), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'pay' requires args.amount <= 500 but 'args.amount' is 500.01");
      assertDenied(pay(501L, "EUR"), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'pay' requires args.amount <= 500 but 'args.amount' is 501");
      assertDenied(pay(new BigDecimal("500.0000000000000001"), "EUR"), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'pay' requires args.amount <= 500 but 'args.amount' is 500.0000000000000001");
    }

    @Test
    void aMissingAttributeIsNamed() {
      Decision d = remit.authorize(call("worker", "payments", "transfer", "acct/1").arg("currency", "EUR").build());
      assertDenied(d, ReasonCode.MISSING_ATTRIBUTE,
          "grant 'pay' requires args.amount <= 500 but the request has no attribute 'args.amount'");
      assertThat(d.grant()).isEqualTo("pay");
      assertDenied(pay(null, "EUR"), ReasonCode.MISSING_ATTRIBUTE,
          "grant 'pay' requires args.amount <= 500 but the request has no attribute 'args.amount'");
    }

    @Test
    void aValueOfTheWrongTypeIsATypeMismatch() {
      assertDenied(pay("500", "EUR"), ReasonCode.ATTRIBUTE_TYPE_MISMATCH,
          "grant 'pay' requires args.amount <= 500 but 'args.amount' is the string '500'");
      assertDenied(pay(true, "EUR"), ReasonCode.ATTRIBUTE_TYPE_MISMATCH,
          "grant 'pay' requires args.amount <= 500 but 'args.amount' is the boolean true");
      assertDenied(pay(Double.NaN, "EUR"), ReasonCode.ATTRIBUTE_TYPE_MISMATCH,
          "grant 'pay' requires args.amount <= 500 but 'args.amount' is the number NaN");
      assertDenied(pay(10, 978), ReasonCode.ATTRIBUTE_TYPE_MISMATCH,
          "grant 'pay' requires args.currency in [EUR, USD] but 'args.currency' is the number 978");
      assertDenied(pay(List.of(1), "EUR"), ReasonCode.ATTRIBUTE_TYPE_MISMATCH,
          "grant 'pay' requires args.amount <= 500 but 'args.amount' is a list");
    }

    @Test
    void inAndNotInAreMembership() {
      assertDenied(pay(10, "GBP"), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'pay' requires args.currency in [EUR, USD] but 'args.currency' is 'GBP'");
      assertThat(read("reports/q1", "internal").allowed()).isTrue();
      assertDenied(read("reports/q1", "secret"), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'files' requires resource.classification not in [secret, restricted] but "
              + "'resource.classification' is 'secret'");
      assertDenied(read("reports/q1", null), ReasonCode.MISSING_ATTRIBUTE,
          "grant 'files' requires resource.classification not in [secret, restricted] but the request "
              + "has no attribute 'resource.classification'");
    }

    @Test
    void matchesCannotBeEscapedWithDotSegmentsInTheValue() {
      assertDenied(read("reports/../secrets/keys", "internal"), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'files' requires args.path matches reports/** but 'args.path' is not a valid name: "
              + "contains a '..' segment");
      assertDenied(read("reports", "internal"), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'files' requires args.path matches reports/** but 'args.path' is 'reports'");
      assertDenied(read("reports/q\u0031\u200B", "internal"), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'files' requires args.path matches reports/** but 'args.path' is not a valid name: "
              + "contains an invisible formatting character (U+200B) at index 10");
    }

    @Test
    void constraintsReadTheActingAgentAndTheCatalog() {
      Remit r = remit(base().build(), clock());
      Fixtures.issue(r, rootGrant("g", "worker").allow("**", ALL_OPS, "**").constraint("agent.environment == staging")
          .constraint("tool.risk != money-movement"));
      Fixtures.issue(r, rootGrant("o", "orch").allow("**", ALL_OPS, "**").constraint("agent.environment == staging"));
      assertThat(r.authorize(call("worker", "crm", "read", "c/1").build()).allowed()).isTrue();
      assertDenied(r.authorize(transfer("worker", 1)), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'g' requires tool.risk != money-movement but 'tool.risk' is 'money-movement'");
      assertDenied(r.authorize(call("orch", "crm", "read", "c/1").build()), ReasonCode.CONSTRAINT_VIOLATED,
          "grant 'o' requires agent.environment == staging but 'agent.environment' is 'production'");
    }
  }

  @Nested
  class TaskScoping {
    @Test
    void aRequestNamingATaskMatchesOnlyThatTasksGrants() {
      Remit r = remit(base().build(), clock());
      Fixtures.issue(r, rootGrant("t1", "worker").task("trip-1").allow("payments", ALL_OPS, "acct/1"));
      Fixtures.issue(r, rootGrant("t2", "worker").task("trip-2").allow("payments", ALL_OPS, "acct/2"));
      Decision ok = r.authorize(call("worker", "payments", "read", "acct/1").task("trip-1").build());
      assertThat(ok.grant()).isEqualTo("t1");
      assertDenied(r.authorize(call("worker", "payments", "read", "acct/1").task("trip-2").build()),
          ReasonCode.NO_MATCHING_GRANT,
          "no grant held by 'worker' for task 'trip-2' covers payments.read on 'acct/1' (outside its remit)");
      assertDenied(r.authorize(call("worker", "payments", "read", "acct/2").build()),
          ReasonCode.NO_MATCHING_GRANT,
          "no grant held by 'worker' covers payments.read on 'acct/2' (outside its remit)");
    }

    @Test
    void aRequestWithoutATaskMatchesOnlyGrantsWithoutOneAndSpendsNoTaskBudget() {
      Remit r = remit(base().build(), clock());
      Fixtures.issue(r, rootGrant("task", "worker").task("trip-1").allow("payments", ALL_OPS, "acct/1").maxCalls(1));
      Fixtures.issue(r, rootGrant("plain", "worker").allow("payments", List.of("read"), "acct/**"));
      Request noTask = call("worker", "payments", "transfer", "acct/1").build();
      assertDenied(r.authorize(noTask), ReasonCode.NO_MATCHING_GRANT,
          "no grant held by 'worker' covers payments.transfer on 'acct/1' (outside its remit)");
      assertThat(r.remainingCalls("task")).as("a request without a task spent nothing of the task's budget").isEqualTo(1);
      assertThat(r.authorize(call("worker", "payments", "read", "acct/1").build()).grant()).isEqualTo("plain");
      assertThat(r.authorize(call("worker", "payments", "read", "acct/1").task("trip-1").build()).grant())
          .as("a request naming a task is not served by grants without one").isEqualTo("task");
      assertThat(r.authorize(call("worker", "payments", "read", "acct/1").task("trip-9").build()).codes())
          .containsExactly(ReasonCode.NO_MATCHING_GRANT);
    }
  }

  @Nested
  class GuardrailRules {
    private Remit withRules(Rule... rules) {
      Policy.Builder b = base();
      for (Rule r : rules) {
        b.rule(r);
      }
      Remit r = remit(b.build(), clock());
      Fixtures.issue(r, rootGrant("all", "worker").allow("**", ALL_OPS, "**"));
      return r;
    }

    @Test
    void aForbidWinsOverAGrantForEverything() {
      Remit r = withRules(Rule.forbid("no-external").risk(RiskClass.EXTERNAL_COMMUNICATION).build());
      assertDenied(r.authorize(call("worker", "mail", "send", "outbox").build()), ReasonCode.FORBIDDEN_BY_RULE,
          "rule 'no-external' forbids this call");
      assertThat(r.authorize(call("worker", "crm", "read", "c").build()).allowed()).isTrue();
    }

    @Test
    void aForbidIsCheckedEvenForCallsNoGrantCovers() {
      Remit r = withRules(Rule.forbid("no-db-migrations").tool("db").operation("migrate").build());
      assertThat(r.authorize(call("helper", "db", "migrate", "prod").build()).codes())
          .containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
    }

    @Test
    void everyApplicableForbidIsReported() {
      Remit r = withRules(Rule.forbid("a").tool("mail").build(), Rule.forbid("b").resource("outbox").build(),
          Rule.forbid("c").tool("crm").build());
      assertThat(r.authorize(call("worker", "mail", "send", "outbox").build()).codes())
          .containsExactly(ReasonCode.FORBIDDEN_BY_RULE, ReasonCode.FORBIDDEN_BY_RULE);
    }

    @Test
    void rulesReadCatalogAttributesAndContextSignals() {
      Remit r = withRules(
          Rule.forbid("no-external-secrets").when("tool.destination == external")
              .when("resource.classification == secret").onMissing(Rule.OnMissing.NOT_APPLICABLE).build(),
          Rule.requireApproval("risky", "finance").when("context.risk_score >= 0.8")
              .onMissing(Rule.OnMissing.NOT_APPLICABLE).build());
      assertThat(r.authorize(call("worker", "mail", "send", "doc").resourceProperty("classification", "secret").build())
          .codes()).containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
      assertThat(r.authorize(call("worker", "mail", "send", "doc").resourceProperty("classification", "public").build())
          .allowed()).isTrue();
      assertThat(r.authorize(call("worker", "crm", "read", "c").context("risk_score", 0.9).build()).codes())
          .containsExactly(ReasonCode.APPROVAL_REQUIRED);
      assertThat(r.authorize(call("worker", "crm", "read", "c").context("risk_score", 0.1).build()).allowed()).isTrue();
    }

    @Test
    void aRuleThatCannotTellWhetherItAppliesDeniesByDefault() {
      Remit r = withRules(Rule.forbid("no-secrets").tool("s3").when("resource.classification == secret").build());
      assertDenied(r.authorize(call("worker", "s3", "get", "x").build()), ReasonCode.MISSING_ATTRIBUTE,
          "rule 'no-secrets' cannot tell whether it applies: it requires resource.classification == secret but "
              + "the request has no attribute 'resource.classification' (rules fail closed; set on_missing: "
              + "not_applicable to skip)");
      assertThat(r.authorize(call("worker", "crm", "read", "x").build()).allowed())
          .as("a rule about other tools never looks at the attribute").isTrue();
      assertThat(r.authorize(call("worker", "s3", "get", "x").resourceProperty("classification", 3).build()).codes())
          .containsExactly(ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
    }

    @Test
    void aRuleMarkedNotApplicableOnMissingIsSkipped() {
      Remit r = withRules(Rule.forbid("no-secrets").tool("s3").when("resource.classification == secret")
          .onMissing(Rule.OnMissing.NOT_APPLICABLE).build());
      assertThat(r.authorize(call("worker", "s3", "get", "x").build()).allowed()).isTrue();
      assertThat(r.authorize(call("worker", "s3", "get", "x").resourceProperty("classification", "secret").build())
          .codes()).containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
    }

    @Test
    void aRequireApprovalRuleWithAMissingAttributeDenies() {
      Remit r = withRules(Rule.requireApproval("big", "finance").tool("payments").when("args.amount > 100").build());
      Decision d = r.authorize(call("worker", "payments", "transfer", "acct/1").build());
      assertThat(d.codes()).containsExactly(ReasonCode.MISSING_ATTRIBUTE);
      assertThat(d.reasons().get(0).message()).startsWith("rule 'big' cannot tell whether it applies");
    }

    @Test
    void aRuleAppliesOnlyDuringItsWindowOrOutsideIt() {
      TimeWindow office = new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneOffset.UTC, Set.of());
      MutableClock clock = clock();
      Policy p = base().rule(Rule.forbid("no-deploys-in-office-hours").tool("db").operation("migrate").during(office).build())
          .rule(Rule.requireApproval("after-hours-mail", "finance").tool("mail").outside(office).build()).build();
      Remit r = remit(p, clock);
      Fixtures.issue(r, rootGrant("all", "worker").allow("**", ALL_OPS, "**").expiresAt(T0.plusSeconds(86_400)));
      Request migrate = call("worker", "db", "migrate", "prod").build();
      Request mail = call("worker", "mail", "send", "outbox").build();
      assertThat(r.authorize(migrate).codes()).containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
      assertThat(r.authorize(mail).allowed()).isTrue();
      clock.set(T0.plusSeconds(7 * 3600)); // 17:00, the end minute is outside
      assertThat(r.authorize(migrate).allowed()).isTrue();
      assertThat(r.authorize(mail).codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED);
    }

    @Test
    void aForbidBeatsAnApprovalRuleOnTheSameCall() {
      Remit r = withRules(Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT).build(),
          Rule.forbid("no-acct-9").resource("acct/9").build());
      assertThat(r.authorize(call("worker", "payments", "transfer", "acct/9").build()).codes())
          .containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
    }

    @Test
    void aRuleNamingAnUnknownToolIsRejectedWithASuggestion() {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> base().rule(Rule.forbid("x").tool("paymnts").build()).build())
          .isInstanceOf(PolicyException.class)
          .hasMessage("invalid policy: <builder>: rules[0].tools[0]: tool 'paymnts' is not in the catalog "
              + "(did you mean 'payments'?)");
    }
  }
}
