package dev.remit.internal.engine;

import dev.remit.Reason;
import dev.remit.ReasonCode;
import dev.remit.Rule;
import dev.remit.TimeWindow;
import dev.remit.internal.Text;
import dev.remit.internal.policy.Condition;
import dev.remit.internal.policy.RuleNode;
import java.util.List;
import java.util.Map;

/**
 * The operator texts of the engine's reasons. Built only on the paths that need them (a denial, a
 * first ALLOW of a grant); agent texts are the codes' constants ({@link ReasonCode#agentText()}).
 * Values from the request are shown cut to {@value #SHOWN} characters.
 */
final class Messages {
  static final int SHOWN = 80;

  private Messages() {}

  static Reason reason(ReasonCode code, String message) {
    return new Reason(code, message);
  }

  static ReasonCode conditionCode(int res) {
    switch (res) {
      case Condition.MISSING:
        return ReasonCode.MISSING_ATTRIBUTE;
      case Condition.TYPE_MISMATCH:
        return ReasonCode.ATTRIBUTE_TYPE_MISMATCH;
      default:
        return ReasonCode.CONSTRAINT_VIOLATED;
    }
  }

  /** Returns why condition {@code c} did not hold for a call whose attribute value is {@code v}. */
  static String condition(Condition c, int res, Object v) {
    switch (res) {
      case Condition.MISSING:
        return "requires " + c.source() + " but the request has no attribute '" + c.attr().path() + "'";
      case Condition.TYPE_MISMATCH:
        return "requires " + c.source() + " but '" + c.attr().path() + "' is " + typeName(v);
      case Condition.INVALID_NAME:
        return "requires " + c.source() + " but '" + c.attr().path() + "' is not a valid name: "
            + Text.checkName((String) v);
      default:
        return "requires " + c.source() + " but '" + c.attr().path() + "' is " + show(v);
    }
  }

  static String typeName(Object v) {
    if (v == dev.remit.internal.policy.Attr.NOT_AN_OBJECT) {
      return "inside a value that is not an object";
    }
    if (v instanceof String) {
      return "the string " + show(v);
    }
    if (v instanceof Number) {
      return "the number " + show(v);
    }
    if (v instanceof Boolean) {
      return "the boolean " + v;
    }
    if (v instanceof List) {
      return "a list";
    }
    if (v instanceof Map) {
      return "an object";
    }
    return "of type " + (v == null ? "null" : v.getClass().getSimpleName());
  }

  static String show(Object v) {
    if (v instanceof String) {
      String s = (String) v;
      return "'" + Text.printable(s.length() > SHOWN ? s.substring(0, SHOWN) + "…" : s) + "'";
    }
    String s = String.valueOf(v);
    return s.length() > SHOWN ? s.substring(0, SHOWN) + "…" : s;
  }

  static Reason forbid(RuleNode rule) {
    return new Reason(ReasonCode.FORBIDDEN_BY_RULE, "rule '" + rule.rule.id() + "' forbids this call"
        + describe(rule.rule));
  }

  static String describe(Rule r) {
    return r.description() == null ? "" : ": " + r.description();
  }

  static Reason ruleCondition(RuleNode rule, int i, Call call) {
    Condition c = rule.conditions[i];
    int res = c.evaluate(call);
    Object v = res == Condition.MISSING ? null : c.attr().resolve(call);
    return new Reason(conditionCode(res), "rule '" + rule.rule.id() + "' cannot tell whether it applies: it "
        + condition(c, res, v) + (res == Condition.MISSING
            ? " (rules fail closed; set on_missing: not_applicable to skip)"
            : " (rules fail closed; on_missing skips only an absent attribute, never a value of the wrong type)"));
  }

  static String window(TimeWindow w) {
    return w.start() + "–" + w.end() + " " + w.zone()
        + (w.days().size() == 7 ? "" : " on " + new java.util.TreeSet<>(w.days()));
  }

  /** Returns the operator text of a stage failure, cut to a readable length. */
  static String failure(Throwable t) {
    String m = t.getMessage();
    String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    return Text.printable(s.length() > 300 ? s.substring(0, 300) + "…" : s);
  }
}
