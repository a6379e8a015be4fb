package dev.remit.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.Rule;
import dev.remit.internal.engine.Call;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A rule's conditions are a conjunction: whether it applies, does not apply, cannot tell or fails
 * must not depend on the order they are written in.
 */
class RuleConditionOrderPropertiesTest {
  /** Stands for an attribute the call does not carry. */
  private static final Object ABSENT = new Object() {
    @Override
    public String toString() {
      return "<absent>";
    }
  };

  /** A number whose every accessor throws, as a hostile host value might. */
  private static final Number THROWING = new Number() {
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
      throw new IllegalStateException("boom");
    }

    @Override
    public double doubleValue() {
      throw new IllegalStateException("boom");
    }

    @Override
    public String toString() {
      return "<throwing number>";
    }
  };

  /** One condition on its own attribute, with the value the call carries there (or ABSENT). */
  record Cond(String template, Object value) {}

  private static Arbitrary<String> templates() {
    return Arbitraries.of("args.%s <= 500", "args.%s > 70", "args.%s == 1", "args.%s != x", "args.%s == x",
        "args.%s in [a, b]", "args.%s not in [1, 2]", "args.%s matches \"r/**\"", "args.%s == true",
        "args.%s.inner == x");
  }

  private static Arbitrary<Object> values() {
    return Arbitraries.of(ABSENT, 1, 100, 900L, 0.5, new BigDecimal("500.0000001"), "x", "a", "r/1", "s/1",
        "r/../x", "400", true, false, List.of("a"), Map.of("inner", "x"), Map.of(), Double.NaN,
        Double.NEGATIVE_INFINITY, THROWING);
  }

  @Provide
  Arbitrary<List<Cond>> conditionLists() {
    return Combinators.combine(templates(), values()).as(Cond::new).list().ofMinSize(1).ofMaxSize(6);
  }

  /** The answer classes: applies, does not apply, cannot tell, throws. */
  private enum Answer { APPLIES, DOES_NOT_APPLY, CANNOT_TELL, THROWS }

  private static Answer answer(List<Cond> conds, List<Integer> order, Rule.OnMissing onMissing, Map<String, Object> args) {
    Rule.Builder b = Rule.forbid("r").onMissing(onMissing);
    for (int i : order) {
      b.when(String.format(conds.get(i).template(), "a" + i));
    }
    RuleNode rule = new RuleNode(b.build());
    Call call = RuleNodeTest.call(args);
    int r;
    try {
      r = rule.applies(call);
    } catch (RuntimeException e) {
      return Answer.THROWS;
    }
    if (r == RuleNode.APPLIES) {
      return Answer.APPLIES;
    }
    if (r == RuleNode.DOES_NOT_APPLY) {
      return Answer.DOES_NOT_APPLY;
    }
    assertThat(r).isBetween(100, 100 + conds.size() - 1);
    int reported = rule.conditions[r - 100].evaluate(call);
    assertThat(reported).as("the reported condition is one that could not be evaluated")
        .isIn(Condition.MISSING, Condition.TYPE_MISMATCH, Condition.INVALID_NAME);
    if (onMissing == Rule.OnMissing.NOT_APPLICABLE) {
      assertThat(reported).isNotEqualTo(Condition.MISSING);
    }
    return Answer.CANNOT_TELL;
  }

  private static Map<String, Object> args(List<Cond> conds) {
    Map<String, Object> args = new HashMap<>();
    for (int i = 0; i < conds.size(); i++) {
      if (conds.get(i).value() != ABSENT) {
        args.put("a" + i, conds.get(i).value());
      }
    }
    return args;
  }

  /** What the answer must be, from each condition's own result. */
  private static Answer expected(List<Cond> conds, Rule.OnMissing onMissing, Map<String, Object> args) {
    boolean threw = false;
    boolean unknown = false;
    Call call = RuleNodeTest.call(args);
    for (int i = 0; i < conds.size(); i++) {
      int r;
      try {
        r = new Condition(dev.remit.Constraint.parse(String.format(conds.get(i).template(), "a" + i))).evaluate(call);
      } catch (RuntimeException e) {
        threw = true;
        continue;
      }
      if (r == Condition.FALSE || (r == Condition.MISSING && onMissing == Rule.OnMissing.NOT_APPLICABLE)) {
        return Answer.DOES_NOT_APPLY;
      }
      unknown |= r != Condition.TRUE;
    }
    return threw ? Answer.THROWS : unknown ? Answer.CANNOT_TELL : Answer.APPLIES;
  }

  @Property(tries = 3000)
  void everyOrderOfTheConditionsGivesTheSameAnswer(@ForAll("conditionLists") List<Cond> conds,
      @ForAll Random random) {
    Map<String, Object> args = args(conds);
    List<Integer> written = new ArrayList<>();
    for (int i = 0; i < conds.size(); i++) {
      written.add(i);
    }
    List<Integer> shuffled = new ArrayList<>(written);
    Collections.shuffle(shuffled, random);
    for (Rule.OnMissing om : Rule.OnMissing.values()) {
      Answer a = answer(conds, written, om, args);
      assertThat(answer(conds, shuffled, om, args)).as("%s in order %s, on_missing %s", conds, shuffled, om)
          .isEqualTo(a);
      assertThat(a).as("%s, on_missing %s", conds, om).isEqualTo(expected(conds, om, args));
    }
  }

  @Property(tries = 500)
  void aFalseConditionAnywhereMeansTheRuleDoesNotApply(@ForAll("conditionLists") List<Cond> conds,
      @ForAll Random random) {
    List<Cond> withFalse = new ArrayList<>(conds);
    withFalse.add(random.nextInt(withFalse.size() + 1), new Cond("args.%s <= 500", 900));
    Map<String, Object> args = args(withFalse);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < withFalse.size(); i++) {
      order.add(i);
    }
    for (Rule.OnMissing om : Rule.OnMissing.values()) {
      assertThat(answer(withFalse, order, om, args)).as("%s, on_missing %s", withFalse, om)
          .isEqualTo(Answer.DOES_NOT_APPLY);
    }
  }
}
