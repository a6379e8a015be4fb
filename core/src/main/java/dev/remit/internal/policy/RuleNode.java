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

  /** Set by {@link #applies} callers from the returned index; see {@link #failed}. */
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
   * Returns {@link #APPLIES}, {@link #DOES_NOT_APPLY}, or {@code 100 + i} when condition {@code i}
   * could not be evaluated (missing attribute, wrong type, invalid name) and the rule's
   * {@code onMissing} is DENY. Selectors are checked before conditions, so a rule about other tools
   * never looks at attributes.
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
    for (int i = 0; i < conditions.length; i++) {
      int r = conditions[i].evaluate(call);
      if (r == Condition.FALSE) {
        return DOES_NOT_APPLY;
      }
      if (r != Condition.TRUE) {
        if (rule.onMissing() == Rule.OnMissing.NOT_APPLICABLE) {
          return DOES_NOT_APPLY;
        }
        return 100 + i;
      }
    }
    return APPLIES;
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
