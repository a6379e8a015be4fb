package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decisions do not depend on the order a rule's conditions are written in. */
class RuleConditionOrderTest {
  private static Remit withRule(Rule.Builder rule, boolean cached) {
    Remit r = Fixtures.remit(base().rule(rule.build()).build(), clock(), cached);
    r.issue(rootGrant("all", "worker").allow("**", ALL_OPS, "**"));
    return r;
  }

  private static Rule.Builder forbid(List<String> when, Rule.OnMissing om) {
    Rule.Builder b = Rule.forbid("r").onMissing(om);
    when.forEach(b::when);
    return b;
  }

  @Test
  void aFalseConditionMeansTheRuleDoesNotApplyWhereverAnUnknownOneStands() {
    List<String> when = List.of("context.risk_score > 70", "args.amount > 200", "args.channel == chat");
    // amount 100 makes the rule false; the score is absent or of the wrong type, the channel a list
    List<Map<String, Object>> contexts = List.of(Map.of(), Map.of("risk_score", "95"), Map.of("risk_score", List.of()));
    for (boolean cached : new boolean[] {true, false}) {
      for (Rule.OnMissing om : Rule.OnMissing.values()) {
        for (int rotation = 0; rotation < when.size(); rotation++) {
          List<String> order = new ArrayList<>(when);
          java.util.Collections.rotate(order, rotation);
          Remit r = withRule(forbid(order, om), cached);
          for (Map<String, Object> context : contexts) {
            Request.Builder b = call("worker", "payments", "transfer", "acct/1").arg("amount", 100)
                .arg("channel", List.of("chat"));
            context.forEach(b::context);
            Decision d = r.authorize(b.build());
            assertThat(d.allowed()).as("%s, %s, context %s: %s", order, om, context, d.explain()).isTrue();
          }
          r.close();
        }
      }
    }
  }

  @Test
  void withNoFalseConditionTheUnknownOneDeniesInEveryOrder() {
    List<String> when = List.of("args.amount > 200", "context.risk_score > 70");
    for (int rotation = 0; rotation < when.size(); rotation++) {
      List<String> order = new ArrayList<>(when);
      java.util.Collections.rotate(order, rotation);
      Remit r = withRule(forbid(order, Rule.OnMissing.DENY), false);
      Decision absent = r.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 300).build());
      assertThat(absent.codes()).as(order.toString()).containsExactly(ReasonCode.MISSING_ATTRIBUTE);
      assertThat(absent.reasons().get(0).message()).contains("'context.risk_score'");
      Decision mistyped = r.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", 300)
          .context("risk_score", "95").build());
      assertThat(mistyped.codes()).as(order.toString()).containsExactly(ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
      r.close();
    }
  }

  @Test
  void anUnreadableValueDeniesUnlessAnotherConditionIsFalseInEveryOrder() {
    Map<String, Object> hostile = new java.util.AbstractMap<>() {
      @Override
      public java.util.Set<Map.Entry<String, Object>> entrySet() {
        throw new IllegalStateException("host map broke");
      }
    };
    List<String> when = List.of("args.meta.kind == invoice", "args.amount > 200");
    for (int rotation = 0; rotation < when.size(); rotation++) {
      List<String> order = new ArrayList<>(when);
      java.util.Collections.rotate(order, rotation);
      for (Rule.OnMissing om : Rule.OnMissing.values()) {
        Remit r = withRule(forbid(order, om), false);
        assertThat(r.authorize(call("worker", "payments", "transfer", "acct/1").arg("meta", hostile)
            .arg("amount", 100).build()).allowed()).as("%s, %s: amount 100 is not > 200", order, om).isTrue();
        assertThat(r.authorize(call("worker", "payments", "transfer", "acct/1").arg("meta", hostile)
            .arg("amount", 300).build()).codes()).as("%s, %s", order, om).containsExactly(ReasonCode.EVALUATION_ERROR);
        r.close();
      }
    }
  }
}
