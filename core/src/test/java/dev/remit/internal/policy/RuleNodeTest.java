package dev.remit.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.Agent;
import dev.remit.Request;
import dev.remit.RiskClass;
import dev.remit.Rule;
import dev.remit.Tool;
import dev.remit.internal.engine.Call;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a compiled rule applies, does not apply, or cannot tell. */
class RuleNodeTest {
  private static final Agent AGENT = Agent.of("worker", "alice", "work", "staging");
  private static final Tool PAY = Tool.of("payments", "charge", RiskClass.MONEY_MOVEMENT);

  static Call call(Map<String, Object> args) {
    Request.Builder b = Request.of("worker", "payments", "charge").resource("acct/1");
    args.forEach(b::arg);
    return new Call(b.build(), AGENT, PAY, RiskClass.MONEY_MOVEMENT, 0);
  }

  static RuleNode rule(Rule.OnMissing onMissing, String... when) {
    Rule.Builder b = Rule.forbid("r").onMissing(onMissing);
    for (String w : when) {
      b.when(w);
    }
    return new RuleNode(b.build());
  }

  /** A condition and values of the wrong type for it: each is present, none is comparable. */
  private record Mistyped(String condition, List<Object> values) {}

  private static final List<Mistyped> MISTYPED = List.of(
      new Mistyped("args.x <= 500", List.of("400", "0.95", true, List.of(1), Map.of("v", 1))),
      new Mistyped("args.x > 70", List.of("99", false, List.of(99), Map.of())),
      new Mistyped("args.x == 1", List.of("1", true, List.of(1), Map.of("a", 1))),
      new Mistyped("args.x != 1", List.of("2", true, List.of(2), Map.of())),
      new Mistyped("args.x == confidential", List.of(1, 0.5, new BigDecimal("1e999"), true,
          List.of("confidential"), Map.of("confidential", true))),
      new Mistyped("args.x != public", List.of(1, true, List.of("public"), Map.of())),
      new Mistyped("args.x in [EUR, USD]", List.of(978, false, List.of("EUR"), Map.of("EUR", 1))),
      new Mistyped("args.x not in [secret]", List.of(3, true, List.of("secret"), Map.of())),
      new Mistyped("args.x in [1, 2]", List.of("1", true, List.of(1))),
      new Mistyped("args.x == true", List.of("true", 1, List.of(true), Map.of())),
      new Mistyped("args.x matches \"reports/**\"", List.of(7, true, List.of("reports/a"), Map.of(),
          "reports/../secrets", "reports/%2e%2e/x", "reports/q1\u200B")));

  @Test
  void aWronglyTypedValueNeverMakesARuleNotApplyWhateverItsOnMissing() {
    for (Mistyped m : MISTYPED) {
      for (Object v : m.values()) {
        for (Rule.OnMissing om : Rule.OnMissing.values()) {
          RuleNode r = rule(om, m.condition());
          assertThat(r.applies(call(Map.of("x", v))))
              .as("%s with %s (%s), on_missing %s", m.condition(), v, v.getClass().getSimpleName(), om)
              .isEqualTo(100);
        }
      }
    }
  }

  @Test
  void aNonFiniteNumberNeverMakesARuleNotApplyWhateverItsOnMissing() {
    for (String c : NonFiniteNumberConditionTest.NUMERIC) {
      for (Number v : NonFiniteNumberConditionTest.NON_FINITE) {
        for (Rule.OnMissing om : Rule.OnMissing.values()) {
          assertThat(rule(om, c).applies(call(Map.of("x", v))))
              .as("%s with %s (%s), on_missing %s", c, v, v.getClass().getSimpleName(), om).isEqualTo(100);
        }
      }
    }
  }

  @Test
  void onlyATrulyAbsentAttributeLetsANotApplicableRuleBeSkipped() {
    Map<String, Object> withNull = new java.util.HashMap<>();
    withNull.put("x", null);
    for (Mistyped m : MISTYPED) {
      for (Map<String, Object> args : List.of(Map.<String, Object>of(), Map.<String, Object>of("y", 1), withNull)) {
        assertThat(rule(Rule.OnMissing.NOT_APPLICABLE, m.condition()).applies(call(args)))
            .as("%s with args %s", m.condition(), args).isEqualTo(RuleNode.DOES_NOT_APPLY);
        assertThat(rule(Rule.OnMissing.DENY, m.condition()).applies(call(args)))
            .as("%s with args %s", m.condition(), args).isEqualTo(100);
      }
    }
  }

  @Test
  void aPathThroughAValueThatIsNotAnObjectIsATypeMismatchNotAbsent() {
    List<Object> notObjects = List.of("KP", 7, 0.5, true, List.of(Map.of("country", "KP")), List.of());
    for (Object payee : notObjects) {
      for (Rule.OnMissing om : Rule.OnMissing.values()) {
        for (String when : List.of("args.payee.country == KP", "args.payee.country in [KP, IR]",
            "args.payee.limit.amount > 5", "args.payee.country matches \"K*\"")) {
          assertThat(rule(om, when).applies(call(Map.of("payee", payee))))
              .as("%s with payee %s, on_missing %s", when, payee, om).isEqualTo(100);
        }
      }
    }
    assertThat(rule(Rule.OnMissing.NOT_APPLICABLE, "args.payee.country == KP").applies(call(Map.of("payee", Map.of()))))
        .as("an object without the field: absent").isEqualTo(RuleNode.DOES_NOT_APPLY);
  }

  @Test
  void theReportedIndexIsThatOfTheConditionThatCouldNotBeEvaluated() {
    List<String> holding = List.of("args.a == 1", "args.b in [x, y]", "args.c >= 0");
    for (int at = 0; at <= holding.size(); at++) {
      for (Rule.OnMissing om : Rule.OnMissing.values()) {
        List<String> when = new ArrayList<>(holding);
        when.add(at, "args.amount <= 500");
        RuleNode r = rule(om, when.toArray(new String[0]));
        int result = r.applies(call(Map.of("a", 1, "b", "x", "c", 3, "amount", "400")));
        assertThat(result).as("mistyped condition at %d, on_missing %s", at, om).isEqualTo(100 + at);
        assertThat(r.conditions[result - 100].evaluate(call(Map.of("a", 1, "b", "x", "c", 3, "amount", "400"))))
            .as("the engine re-evaluates this condition to name the reason").isEqualTo(Condition.TYPE_MISMATCH);
      }
    }
  }

  @Test
  void aRuleWhoseConditionsAllHoldAppliesAndOneThatFailsDoesNot() {
    for (Rule.OnMissing om : Rule.OnMissing.values()) {
      RuleNode r = rule(om, "args.amount > 200", "args.currency in [EUR, USD]");
      assertThat(r.applies(call(Map.of("amount", 250, "currency", "EUR")))).isEqualTo(RuleNode.APPLIES);
      assertThat(r.applies(call(Map.of("amount", 150, "currency", "EUR")))).isEqualTo(RuleNode.DOES_NOT_APPLY);
      assertThat(r.applies(call(Map.of("amount", 250, "currency", "GBP")))).isEqualTo(RuleNode.DOES_NOT_APPLY);
    }
  }
}
