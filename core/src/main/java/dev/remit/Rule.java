package dev.remit;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import dev.remit.internal.policy.ConstraintParser;

/**
 * An organisation's guardrail, applied on top of grants: forbid a class of calls outright, or
 * require a human approval bound to the exact call.
 *
 * <p>A rule applies to a call when every part it sets matches: any of {@code risks}, any of
 * {@code tools}, any of {@code operations}, any of {@code resources}, all of {@code conditions},
 * inside {@code during} and outside {@code outside}. Unset parts match everything. A forbid that
 * applies anywhere wins over every grant.
 *
 * <p>When no condition is false but one cannot be evaluated, the rule cannot tell whether it
 * applies. If the condition's attribute is absent (or null), {@link OnMissing#DENY} (the default)
 * denies the call with {@code MISSING_ATTRIBUTE} and {@link OnMissing#NOT_APPLICABLE} skips the
 * rule. A value of the wrong type ({@code ATTRIBUTE_TYPE_MISMATCH}) or a string a {@code matches}
 * condition cannot judge ({@code CONSTRAINT_VIOLATED}) is not absent: it denies the call whatever
 * {@code onMissing} says.
 *
 * @param id unique rule id
 * @param effect forbid or require approval
 * @param description why the rule exists, shown in reasons
 * @param risks risk classes it applies to (empty: any)
 * @param tools tool name patterns (empty: any)
 * @param operations operation names (empty: any)
 * @param resources resource id patterns (empty: any)
 * @param conditions attribute conditions, all of which must hold
 * @param during the rule applies only inside this window, or null
 * @param outside the rule applies only outside this window, or null
 * @param approverRole role an approver must hold (required for require-approval)
 * @param bind attributes an approval is bound to besides subject, tool, operation and resource
 *     (empty: all arguments)
 * @param onMissing what to do when a condition's attribute is absent
 */
public record Rule(
    String id, Effect effect, String description, Set<RiskClass> risks, List<String> tools,
    List<String> operations, List<String> resources, List<Constraint> conditions,
    TimeWindow during, TimeWindow outside, String approverRole, List<String> bind,
    OnMissing onMissing) {

  /** What a rule does when it applies. */
  public enum Effect {
    FORBID,
    REQUIRE_APPROVAL
  }

  /**
   * What a rule does when one of its conditions refers to an absent attribute (never when the
   * attribute is present with a value of the wrong type: that always denies).
   */
  public enum OnMissing {
    /** Deny the call (fail closed). */
    DENY,
    /** Treat the rule as not applying when an attribute it reads is absent. */
    NOT_APPLICABLE
  }

  public Rule {
    Names.requireId(id, "rule id");
    Objects.requireNonNull(effect, "effect");
    risks = risks == null || risks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(risks));
    tools = tools == null || tools.isEmpty() ? List.of() : Names.requirePatterns(tools, "rule tools");
    operations = operations == null || operations.isEmpty() ? List.of() : Names.requireOperations(operations);
    resources = resources == null || resources.isEmpty() ? List.of() : Names.requirePatterns(resources, "rule resources");
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
    bind = bind == null ? List.of() : List.copyOf(bind);
    for (String b : bind) {
      dev.remit.internal.policy.ConstraintParser.requireAttribute(b);
    }
    onMissing = onMissing == null ? OnMissing.DENY : onMissing;
    if (effect == Effect.REQUIRE_APPROVAL) {
      Objects.requireNonNull(approverRole, "rule " + id + ": require-approval needs an approverRole");
      Names.requireId(approverRole, "approverRole");
    } else if (approverRole != null) {
      throw new IllegalArgumentException("rule " + id + ": approverRole only applies to require-approval rules");
    }
  }

  /** Returns a builder for a forbid rule. */
  public static Builder forbid(String id) {
    return new Builder(id, Effect.FORBID);
  }

  /** Returns a builder for a require-approval rule approved by holders of {@code approverRole}. */
  public static Builder requireApproval(String id, String approverRole) {
    Builder b = new Builder(id, Effect.REQUIRE_APPROVAL);
    b.approverRole = approverRole;
    return b;
  }

  /** Builder for {@link Rule}. */
  public static final class Builder {
    private final String id;
    private final Effect effect;
    private String description;
    private final Set<RiskClass> risks = EnumSet.noneOf(RiskClass.class);
    private final List<String> tools = new ArrayList<>();
    private final List<String> operations = new ArrayList<>();
    private final List<String> resources = new ArrayList<>();
    private final List<Constraint> conditions = new ArrayList<>();
    private TimeWindow during;
    private TimeWindow outside;
    private String approverRole;
    private final List<String> bind = new ArrayList<>();
    private OnMissing onMissing = OnMissing.DENY;

    private Builder(String id, Effect effect) {
      this.id = Names.requireId(id, "rule id");
      this.effect = effect;
    }

    public Builder description(String text) {
      this.description = text;
      return this;
    }

    public Builder risk(RiskClass... classes) {
      risks.addAll(List.of(classes));
      return this;
    }

    public Builder tool(String pattern) {
      tools.add(pattern);
      return this;
    }

    public Builder operation(String op) {
      operations.add(op);
      return this;
    }

    public Builder resource(String pattern) {
      resources.add(pattern);
      return this;
    }

    public Builder when(String constraint) {
      conditions.add(Constraint.parse(constraint));
      return this;
    }

    public Builder during(TimeWindow w) {
      this.during = w;
      return this;
    }

    public Builder outside(TimeWindow w) {
      this.outside = w;
      return this;
    }

    public Builder bind(String attribute) {
      bind.add(attribute);
      return this;
    }

    public Builder onMissing(OnMissing m) {
      this.onMissing = Objects.requireNonNull(m, "onMissing");
      return this;
    }

    public Rule build() {
      return new Rule(id, effect, description, risks, tools, operations, resources, conditions,
          during, outside, approverRole, bind, onMissing);
    }
  }
}
