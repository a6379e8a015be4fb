package dev.remit;

import dev.remit.internal.Text;
import java.util.List;
import java.util.Objects;

/** Argument checks shared by the value types; messages name the offending part. */
final class Names {
  private Names() {}

  static String requireId(String s, String what) {
    Objects.requireNonNull(s, what);
    String bad = Text.checkId(s);
    if (bad != null) {
      throw new IllegalArgumentException(what + " '" + printable(s) + "' " + bad);
    }
    return s;
  }

  static String requireName(String s, String what) {
    Objects.requireNonNull(s, what);
    String bad = Text.checkName(s);
    if (bad != null) {
      throw new IllegalArgumentException(what + " '" + printable(s) + "' " + bad);
    }
    return s;
  }

  static List<String> requirePatterns(List<String> patterns, String what) {
    Objects.requireNonNull(patterns, what);
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    for (String p : patterns) {
      Objects.requireNonNull(p, what + " entry");
      String bad = Text.checkPattern(p);
      if (bad != null) {
        throw new IllegalArgumentException(what + " pattern '" + printable(p) + "' " + bad);
      }
    }
    return List.copyOf(patterns);
  }

  static List<String> requireOperations(List<String> ops) {
    Objects.requireNonNull(ops, "operations");
    if (ops.isEmpty()) {
      throw new IllegalArgumentException("operations must not be empty");
    }
    for (String o : ops) {
      Objects.requireNonNull(o, "operations entry");
      if (!o.equals("*")) {
        requireId(o, "operation");
      }
    }
    return List.copyOf(ops);
  }

  static String printable(String s) {
    return Text.printable(s);
  }
}
