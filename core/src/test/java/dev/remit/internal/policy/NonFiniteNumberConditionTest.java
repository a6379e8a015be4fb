package dev.remit.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.Constraint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NaN and the infinities are not comparable with any literal, under every numeric operator. */
class NonFiniteNumberConditionTest {
  /** A host's own Number type, as infinite as a Double. */
  static Number hostNumber(double value) {
    return new Number() {
      @Override
      public int intValue() {
        return (int) value;
      }

      @Override
      public long longValue() {
        return (long) value;
      }

      @Override
      public float floatValue() {
        return (float) value;
      }

      @Override
      public double doubleValue() {
        return value;
      }

      @Override
      public String toString() {
        return Double.toString(value);
      }
    };
  }

  static final List<Number> NON_FINITE = List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
      Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, hostNumber(Double.NEGATIVE_INFINITY),
      hostNumber(Double.POSITIVE_INFINITY), hostNumber(Double.NaN));

  static final List<String> NUMERIC = List.of("args.x < 500", "args.x <= 500", "args.x > 0", "args.x >= -1e300",
      "args.x == 500", "args.x != 500", "args.x in [1, 500]", "args.x not in [1, 500]", "args.x in [a, 1]",
      "args.x not in [a, 1]", "args.x < -1e300", "args.x > 1e300");

  @Test
  void everyNumericOperatorCallsANonFiniteValueATypeMismatch() {
    for (String c : NUMERIC) {
      Condition cond = new Condition(Constraint.parse(c));
      for (Number v : NON_FINITE) {
        assertThat(cond.test(v)).as("%s with %s (%s)", c, v, v.getClass().getSimpleName())
            .isEqualTo(Condition.TYPE_MISMATCH);
      }
    }
  }

  @Test
  void finiteExtremesStillCompare() {
    assertThat(new Condition(Constraint.parse("args.x <= 500")).test(-Double.MAX_VALUE)).isEqualTo(Condition.TRUE);
    assertThat(new Condition(Constraint.parse("args.x > 500")).test(Double.MAX_VALUE)).isEqualTo(Condition.TRUE);
    assertThat(new Condition(Constraint.parse("args.x > 500")).test(Float.MAX_VALUE)).isEqualTo(Condition.TRUE);
    assertThat(new Condition(Constraint.parse("args.x != 500")).test(Double.MIN_VALUE)).isEqualTo(Condition.TRUE);
    assertThat(new Condition(Constraint.parse("args.x not in [1]")).test(hostNumber(2))).isEqualTo(Condition.TRUE);
    assertThat(new Condition(Constraint.parse("args.x <= 500")).test(hostNumber(-1e308))).isEqualTo(Condition.TRUE);
  }

  @Test
  void noConditionThatImpliesAnotherAdmitsANonFiniteValue() {
    // sub-grant checks rely on implies: a child's condition admitting -Infinity where the parent's
    // does not would let the child loosen the parent; neither admits it now
    for (String child : NUMERIC) {
      for (String parent : NUMERIC) {
        Condition c = new Condition(Constraint.parse(child));
        Condition p = new Condition(Constraint.parse(parent));
        for (Number v : NON_FINITE) {
          if (c.implies(p)) {
            assertThat(c.test(v)).as("%s implies %s; %s", child, parent, v).isNotEqualTo(Condition.TRUE);
          }
        }
      }
    }
  }
}
