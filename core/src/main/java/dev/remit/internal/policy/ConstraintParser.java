package dev.remit.internal.policy;

import dev.remit.Constraint;
import dev.remit.Constraint.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import dev.remit.internal.Text;

/**
 * Reads and writes the constraint syntax: {@code ATTRIBUTE OPERATOR VALUE}, e.g.
 * {@code args.amount <= 500}, {@code resource.classification in [public, internal]},
 * {@code tool.destination != external}, {@code args.path matches "reports/**"}.
 *
 * <p>Values are numbers, booleans ({@code true}/{@code false}), quoted strings ({@code "…"} or
 * {@code '…'}) or bare words, and for {@code in}/{@code not in} a bracketed list of those.
 */
public final class ConstraintParser {
  /** The roots an attribute path may start with. */
  public static final Set<String> ROOTS = Set.of("args", "resource", "context", "agent", "tool");

  private ConstraintParser() {}

  /** Parses {@code text}; throws IllegalArgumentException naming the problem. */
  public static Constraint parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("constraint is null");
    }
    String t = text.strip();
    int sp = t.indexOf(' ');
    if (sp < 0) {
      throw new IllegalArgumentException("constraint '" + text
          + "' must be 'attribute operator value', e.g. 'args.amount <= 500'");
    }
    String attribute = t.substring(0, sp);
    String rest = t.substring(sp).strip();
    Operator op = null;
    String opText = null;
    for (String[] cand : new String[][] {
        {"not in ", "NOT_IN"}, {"in ", "IN"}, {"matches ", "MATCHES"}, {"==", "EQ"}, {"!=", "NE"},
        {"<=", "LE"}, {">=", "GE"}, {"<", "LT"}, {">", "GT"}}) {
      if (rest.startsWith(cand[0])) {
        op = Operator.valueOf(cand[1]);
        opText = cand[0];
        break;
      }
    }
    if (op == null) {
      throw new IllegalArgumentException("constraint '" + text + "' has no known operator after '"
          + attribute + "'; use one of == != < <= > >= in, not in, matches");
    }
    String valueText = rest.substring(opText.length()).strip();
    if (valueText.isEmpty()) {
      throw new IllegalArgumentException("constraint '" + text + "' has no value after '"
          + op.symbol() + "'");
    }
    List<Object> values = new ArrayList<>();
    if (op == Operator.IN || op == Operator.NOT_IN) {
      if (!valueText.startsWith("[") || !valueText.endsWith("]")) {
        throw new IllegalArgumentException("constraint '" + text + "': '" + op.symbol()
            + "' takes a list like [a, b]");
      }
      String inner = valueText.substring(1, valueText.length() - 1).strip();
      if (!inner.isEmpty()) {
        for (String part : splitList(inner, text)) {
          values.add(literal(part.strip(), text));
        }
      }
    } else {
      values.add(literal(valueText, text));
    }
    return new Constraint(attribute, op, values);
  }

  private static List<String> splitList(String inner, String text) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (quote != 0) {
        cur.append(c);
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        cur.append(c);
      } else if (c == ',') {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("constraint '" + text + "' has an unclosed quote");
    }
    parts.add(cur.toString());
    return parts;
  }

  private static Object literal(String v, String text) {
    if (v.isEmpty()) {
      throw new IllegalArgumentException("constraint '" + text + "' has an empty value");
    }
    char c = v.charAt(0);
    if (c == '"' || c == '\'') {
      if (v.length() < 2 || v.charAt(v.length() - 1) != c) {
        throw new IllegalArgumentException("constraint '" + text + "' has an unclosed quote");
      }
      return v.substring(1, v.length() - 1);
    }
    if (v.equals("true") || v.equals("false")) {
      return Boolean.valueOf(v);
    }
    if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
      try {
        return Double.valueOf(v);
      } catch (NumberFormatException e) {
        // not a number: a bare word such as 2026-q1
      }
    }
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      if (ch <= ' ' || ch > '~' || ch == ',' || ch == '[' || ch == ']' || ch == '"' || ch == '\'') {
        throw new IllegalArgumentException("constraint '" + text + "': value '" + v
            + "' must be quoted");
      }
    }
    return v;
  }

  /** Returns why the parts do not make a constraint, or null if they do. */
  public static String check(String attribute, Operator op, List<Object> values) {
    String bad = checkAttribute(attribute);
    if (bad != null) {
      return bad;
    }
    boolean list = op == Operator.IN || op == Operator.NOT_IN;
    if (list ? values.isEmpty() : values.size() != 1) {
      return list ? "'" + op.symbol() + "' needs at least one value"
          : "'" + op.symbol() + "' needs exactly one value";
    }
    for (Object v : values) {
      if (!(v instanceof String || v instanceof Double || v instanceof Boolean)) {
        return "value " + v + " must be a string, a number (Double) or a boolean";
      }
      if (v instanceof Double && (((Double) v).isNaN() || ((Double) v).isInfinite())) {
        return "value " + v + " is not a finite number";
      }
    }
    if (op.isOrdering() && !(values.get(0) instanceof Double)) {
      return "'" + op.symbol() + "' compares numbers; " + values.get(0) + " is not a number";
    }
    if (op == Operator.MATCHES) {
      if (!(values.get(0) instanceof String)) {
        return "'matches' takes a pattern string";
      }
      String pb = Text.checkPattern((String) values.get(0));
      if (pb != null) {
        return "pattern '" + values.get(0) + "' " + pb;
      }
    }
    return null;
  }

  /** Returns why {@code attribute} is not an attribute path, or null. */
  public static String checkAttribute(String attribute) {
    if (attribute == null || attribute.isEmpty()) {
      return "attribute is empty";
    }
    int dot = attribute.indexOf('.');
    String root = dot < 0 ? attribute : attribute.substring(0, dot);
    if (!ROOTS.contains(root)) {
      String near = Text.closest(root, ROOTS);
      return "attribute '" + attribute + "' must start with one of " + new java.util.TreeSet<>(ROOTS)
          + (near == null ? "" : " (did you mean '" + near + "'?)");
    }
    if (dot < 0 || dot == attribute.length() - 1) {
      return "attribute '" + attribute + "' names no field after '" + root + ".'";
    }
    for (String part : attribute.substring(dot + 1).split("\\.", -1)) {
      if (part.isEmpty()) {
        return "attribute '" + attribute + "' has an empty path segment";
      }
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (!(Text.isAlnum(c) || c == '_' || c == '-')) {
          return "attribute '" + attribute + "' has the character '" + c
              + "' (letters, digits, '_' and '-' only)";
        }
      }
    }
    return null;
  }

  /** Throws IllegalArgumentException if {@code attribute} is not an attribute path. */
  public static void requireAttribute(String attribute) {
    String bad = checkAttribute(attribute);
    if (bad != null) {
      throw new IllegalArgumentException(bad);
    }
  }

  /** Returns the constraint in parseable form. */
  public static String format(Constraint c) {
    StringBuilder b = new StringBuilder(c.attribute()).append(' ').append(c.operator().symbol())
        .append(' ');
    boolean list = c.operator() == Operator.IN || c.operator() == Operator.NOT_IN;
    if (list) {
      b.append('[');
    }
    for (int i = 0; i < c.values().size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      b.append(formatLiteral(c.values().get(i)));
    }
    if (list) {
      b.append(']');
    }
    return b.toString();
  }

  /** Returns a literal as it would be written in a policy document. */
  public static String formatLiteral(Object v) {
    if (v instanceof Double) {
      double d = (Double) v;
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
    if (v instanceof String) {
      String s = (String) v;
      boolean bare = !s.isEmpty() && !s.equals("true") && !s.equals("false");
      for (int i = 0; i < s.length() && bare; i++) {
        char ch = s.charAt(i);
        bare = ch > ' ' && ch <= '~' && ch != ',' && ch != '[' && ch != ']' && ch != '"' && ch != '\'';
      }
      if (bare && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-' || s.charAt(0) == '+')) {
        try {
          Double.valueOf(s);
          bare = false;
        } catch (NumberFormatException e) {
          // stays bare
        }
      }
      return bare ? s : '"' + s + '"';
    }
    return String.valueOf(v);
  }
}
