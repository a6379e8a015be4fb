package dev.remit;

import dev.remit.internal.policy.ConstraintParser;
import java.util.List;
import java.util.Objects;

/**
 * A condition on one attribute of a call, e.g. {@code args.amount <= 500},
 * {@code resource.classification in [public, internal]} or {@code agent.environment == staging}.
 *
 * <p>Attributes are dotted paths rooted in one of: {@code args} (the call's arguments),
 * {@code resource} ({@code resource.id}, {@code resource.type} or a resource property),
 * {@code context} (request context), {@code agent} (id, owner, purpose, environment, role,
 * partOf of the acting identity), {@code tool} ({@code tool.name}, {@code tool.operation},
 * {@code tool.risk} or a catalog attribute). A constraint that refers to an attribute the request
 * lacks, or whose value has the wrong type, is not satisfied and the decision says which.
 *
 * @param attribute dotted attribute path
 * @param operator comparison
 * @param values literal operands: one for comparisons, one or more for {@code in}/{@code not in};
 *     each a {@link String}, {@link Double} or {@link Boolean}
 */
public record Constraint(String attribute, Operator operator, List<Object> values) {

  /** Comparison operators, with the symbols used in policy documents. */
  public enum Operator {
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), IN("in"), NOT_IN("not in"),
    /** Glob match of a string attribute against a pattern (same syntax as resources). */
    MATCHES("matches");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    /** Returns the symbol as written in policy documents. */
    public String symbol() {
      return symbol;
    }

    /** Returns whether the operator compares numbers. */
    public boolean isOrdering() {
      return this == LT || this == LE || this == GT || this == GE;
    }
  }

  public Constraint {
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(operator, "operator");
    values = List.copyOf(Objects.requireNonNull(values, "values"));
    String bad = ConstraintParser.check(attribute, operator, values);
    if (bad != null) {
      boolean list = operator == Operator.IN || operator == Operator.NOT_IN;
      String shown = list || values.size() != 1 ? values.toString()
          : ConstraintParser.formatLiteral(values.get(0));
      throw new IllegalArgumentException("constraint '" + attribute + " " + operator.symbol()
          + " " + shown + "': " + bad);
    }
  }

  /**
   * Returns the constraint written in {@code text}, e.g. {@code "args.amount <= 500"}.
   *
   * @throws IllegalArgumentException if the text is not a constraint; the message says why
   */
  public static Constraint parse(String text) {
    return ConstraintParser.parse(text);
  }

  /** Returns the constraint in the syntax {@link #parse} reads. */
  @Override
  public String toString() {
    return ConstraintParser.format(this);
  }
}
