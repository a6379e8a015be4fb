package dev.remit.internal.policy;

import dev.remit.RiskClass;
import dev.remit.Rule;
import java.util.EnumSet;
import dev.remit.internal.engine.Call;

/** A compiled guardrail {@link Rule}. */
public final class RuleNode {
  /** {@link #applies} results besides the condition codes. */
  public static final int APPLIES = 0;
  public static final int DOES_NOT_APPLY = 1;

  public final Rule rule;
  private final EnumSet<RiskClass> risks;
  private final Glob[] tools;
  private final String[] operations;
  private final Glob[] resources;
  public final Condition[] conditions;
  public final Attr[] bind;

  /** Compiles {@code r}; its patterns and constraints were validated when the policy was built. */
  public RuleNode(Rule r) {
    this.rule = r;
    this.risks = r.risks().isEmpty() ? null : EnumSet.copyOf(r.risks());
    this.tools = r.tools().stream().map(Glob::compile).toArray(Glob[]::new);
    this.operations = r.operations().toArray(new String[0]);
    this.resources = r.resources().stream().map(Glob::compile).toArray(Glob[]::new);
    this.conditions = r.conditions().stream().map(Condition::new).toArray(Condition[]::new);
    this.bind = r.bind().stream().map(Attr::compile).toArray(Attr[]::new);
  }

  /**
   * Returns {@link #APPLIES}, {@link #DOES_NOT_APPLY}, or {@code 100 + i} when the rule cannot tell
   * whether it applies because condition {@code i} could not be evaluated. Selectors are checked
   * before conditions, so a rule about other tools never looks at attributes.
   *
   * <p>The answer does not depend on the order of the conditions: if any is false the rule does not
   * apply; otherwise, if one threw (an unreadable request value), the first such exception is
   * rethrown; otherwise the first that could not be evaluated is reported.
   *
   * <p>Only a truly absent attribute ({@link Condition#MISSING}) can make a rule with
   * {@code on_missing: not_applicable} not apply. A value of the wrong type
   * ({@link Condition#TYPE_MISMATCH}) or a string a pattern cannot judge
   * ({@link Condition#INVALID_NAME}) is present, so the rule reports that it cannot tell whatever
   * its {@code onMissing}: skipping it would let a caller turn off a forbid by sending "0.95" where
   * a number is compared.
   */
  public int applies(Call call) {
    if (risks != null && !risks.contains(call.risk)) {
      return DOES_NOT_APPLY;
    }
    String tool = call.request.tool();
    if (tools.length > 0 && !CompiledScope.anyMatch(tools, tool)) {
      return DOES_NOT_APPLY;
    }
    if (operations.length > 0 && !hasOp(call.request.operation())) {
      return DOES_NOT_APPLY;
    }
    if (resources.length > 0 && !CompiledScope.anyMatch(resources, call.request.resource())) {
      return DOES_NOT_APPLY;
    }
    if (rule.during() != null && !rule.during().contains(call.now)) {
      return DOES_NOT_APPLY;
    }
    if (rule.outside() != null && rule.outside().contains(call.now)) {
      return DOES_NOT_APPLY;
    }
    // the conditions are a conjunction, so the answer must not depend on their order: a false one
    // (or an absent attribute the rule may skip) settles it wherever it stands; only when none
    // does may a condition that could not be evaluated, or one that threw, decide
    boolean skipMissing = rule.onMissing() == Rule.OnMissing.NOT_APPLICABLE;
    int unknown = -1;
    Exception failure = null;
    for (int i = 0; i < conditions.length; i++) {
      int r;
      try {
        r = conditions[i].evaluate(call);
      } catch (Exception e) { // e.g. an unreadable request value; also one thrown undeclared
        if (failure == null) {
          failure = e;
        }
        continue;
      }
      if (r == Condition.FALSE || (r == Condition.MISSING && skipMissing)) {
        return DOES_NOT_APPLY;
      }
      if (r != Condition.TRUE && unknown < 0) {
        unknown = i;
      }
    }
    if (failure != null) {
      throw RuleNode.<RuntimeException>rethrow(failure); // the engine denies: EVALUATION_ERROR
    }
    return unknown < 0 ? APPLIES : 100 + unknown;
  }

  /** Throws {@code e} as it is, checked or not, so the engine reports the original exception. */
  @SuppressWarnings("unchecked")
  private static <T extends Exception> RuntimeException rethrow(Exception e) throws T {
    throw (T) e;
  }

  private boolean hasOp(String op) {
    for (String o : operations) {
      if (o.equals(op) || o.equals("*")) {
        return true;
      }
    }
    return false;
  }
}
