package dev.remit.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.Constraint;
import dev.remit.Constraint.Operator;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Condition.implies is sound: when a child condition implies a parent's, no value passes only the child. */
class ConditionPropertiesTest {

  private static Arbitrary<Object> literals() {
    return Arbitraries.of(1.0, 2.0, 2.5, 5.0, "a", "b", "ab", "a/b", true, false);
  }

  @Provide
  static Arbitrary<Constraint> constraints() {
    Arbitrary<Operator> ops = Arbitraries.of(Operator.values());
    return ops.flatMap(op -> {
      Arbitrary<List<Object>> values;
      if (op.isOrdering()) {
        values = Arbitraries.of(1.0, 2.0, 2.5, 5.0).map(d -> List.<Object>of(d));
      } else if (op == Operator.IN || op == Operator.NOT_IN) {
        values = literals().list().ofMinSize(1).ofMaxSize(3);
      } else if (op == Operator.MATCHES) {
        values = GlobPropertiesTest.patterns().map(p -> List.<Object>of(p));
      } else {
        values = literals().map(v -> List.of(v));
      }
      return values.map(v -> new Constraint("args.x", op, v));
    });
  }

  @Provide
  static Arbitrary<Object> values() {
    return Arbitraries.oneOf(
        Arbitraries.of(1, 2, 5, 7, 2L, 5L, 2.5, 0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            new BigDecimal("5.00"), new BigDecimal("2.5"), "a", "b", "ab", "c", "a/b", "a/a", "a/../b", "5",
            true, false, List.of("a")),
        GlobPropertiesTest.names().map(n -> (Object) n));
  }

  @Property(tries = 5000)
  void impliesIsSound(@ForAll("constraints") Constraint child, @ForAll("constraints") Constraint parent,
      @ForAll("values") Object v) {
    Condition c = new Condition(child);
    Condition p = new Condition(parent);
    if (c.implies(p) && c.test(v) == Condition.TRUE) {
      assertThat(p.test(v)).as("'%s' implies '%s' but %s (%s) passes only the child", child, parent, v,
          v.getClass().getSimpleName()).isEqualTo(Condition.TRUE);
    }
  }

  @Property(tries = 2000)
  void aNonFiniteNumberIsNeverComparable(@ForAll("constraints") Constraint c,
      @ForAll("nonFinite") Number v) {
    assertThat(new Condition(c).test(v)).as("%s with %s (%s)", c, v, v.getClass().getSimpleName())
        .isEqualTo(Condition.TYPE_MISMATCH);
  }

  @Provide
  static Arbitrary<Number> nonFinite() {
    return Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, NonFiniteNumberConditionTest.hostNumber(Double.NEGATIVE_INFINITY));
  }

  @Property(tries = 1000)
  void everyConditionImpliesItself(@ForAll("constraints") Constraint c) {
    assertThat(new Condition(c).implies(new Condition(c))).isTrue();
  }

  @Property(tries = 1000)
  void aConstraintReadsBackFromItsOwnText(@ForAll("constraints") Constraint c) {
    assertThat(Constraint.parse(c.toString())).isEqualTo(c);
  }

  @SuppressWarnings("unused")
  private static Arbitrary<Object> unusedToKeepImports() {
    return Combinators.combine(literals(), literals()).as((a, b) -> a);
  }
}
