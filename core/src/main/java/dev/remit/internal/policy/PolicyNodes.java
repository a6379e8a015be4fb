package dev.remit.internal.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import dev.remit.internal.Text;

/**
 * Typed access to the tree of a policy document: each accessor reports what is wrong at its exact
 * path and returns null (or skips the element) instead of throwing, so one pass finds every problem.
 */
final class PolicyNodes {
  /** One element of a list (or a lone scalar standing for a one-element list), with its path. */
  record Item(JsonNode node, String path) {}

  private final PolicyProblems out;

  PolicyNodes(PolicyProblems out) {
    this.out = out;
  }

  PolicyProblems problems() {
    return out;
  }

  /** Returns {@code n} as a map, or reports a type problem and returns null. */
  ObjectNode map(JsonNode n, String path) {
    if (n instanceof ObjectNode) {
      return (ObjectNode) n;
    }
    out.add(path, "expected a map, got " + kind(n), null);
    return null;
  }

  /** Reports every key of {@code o} that is not in {@code known}, suggesting the closest. */
  void knownKeys(ObjectNode o, String path, List<String> known) {
    Iterator<String> it = o.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (!known.contains(k)) {
        String hint = PolicyProblems.didYouMean(k, known);
        if (hint == null) {
          hint = prefixOf(k, known);
        }
        out.add(PolicyProblems.child(path, k), "unknown key '" + PolicyProblems.printable(k) + "'",
            hint != null ? hint : "known keys here: " + String.join(", ", known));
      }
    }
  }

  /** Returns "did you mean" for the one known key that {@code k} begins (expires: expires_at), or null. */
  private static String prefixOf(String k, List<String> known) {
    String found = null;
    for (String c : known) {
      if (k.length() >= 3 && c.startsWith(k)) {
        if (found != null) {
          return null;
        }
        found = c;
      }
    }
    return found == null ? null : "did you mean '" + found + "'?";
  }

  /** Returns the value of {@code key}, or null when it is absent or null. */
  static JsonNode get(ObjectNode o, String key) {
    JsonNode v = o.get(key);
    return v == null || v.isNull() ? null : v;
  }

  /** Returns the string value of {@code key}, or null if absent (reported when required) or not a string. */
  String string(ObjectNode o, String path, String key, boolean required) {
    JsonNode v = get(o, key);
    if (v == null) {
      if (required) {
        missing(path, key);
      }
      return null;
    }
    return scalar(v, PolicyProblems.child(path, key));
  }

  /** Returns the text of a scalar, or reports a type problem and returns null. */
  String scalar(JsonNode v, String path) {
    if (v.isTextual()) {
      return v.textValue();
    }
    out.add(path, "expected a string, got " + kind(v), null);
    return null;
  }

  void missing(String path, String key) {
    out.add(path, "missing required key '" + key + "'", null);
  }

  /**
   * Returns the elements of the list under {@code key}: empty when absent (reported when required);
   * a lone string counts as a one-element list when {@code singleOk}.
   */
  List<Item> list(ObjectNode o, String path, String key, boolean required, boolean singleOk) {
    JsonNode v = get(o, key);
    String at = PolicyProblems.child(path, key);
    if (v == null) {
      if (required) {
        missing(path, key);
      }
      return List.of();
    }
    if (singleOk && v.isTextual()) {
      return List.of(new Item(v, at));
    }
    if (!v.isArray()) {
      out.add(at, "expected a list, got " + kind(v), null);
      return List.of();
    }
    List<Item> items = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      items.add(new Item(v.get(i), at + "[" + i + "]"));
    }
    return items;
  }

  /** Returns the strings of a list under {@code key}, each checked by {@code check}. */
  List<String> strings(ObjectNode o, String path, String key, boolean required, boolean singleOk,
      Check check) {
    List<String> result = new ArrayList<>();
    for (Item it : list(o, path, key, required, singleOk)) {
      String s = string(it);
      if (s != null && check.test(s, it.path())) {
        result.add(s);
      }
    }
    return result;
  }

  /** Returns the string an item holds, or reports a type problem and returns null. */
  String string(Item it) {
    if (it.node() == null || it.node().isNull()) {
      out.add(it.path(), "expected a string, got null", null);
      return null;
    }
    return scalar(it.node(), it.path());
  }

  /** Returns the entries of the map under {@code key}, empty when absent or not a map. */
  List<Map.Entry<String, JsonNode>> entries(ObjectNode o, String path, String key) {
    JsonNode v = get(o, key);
    if (v == null) {
      return List.of();
    }
    ObjectNode m = map(v, PolicyProblems.child(path, key));
    if (m == null) {
      return List.of();
    }
    List<Map.Entry<String, JsonNode>> result = new ArrayList<>();
    m.fields().forEachRemaining(result::add);
    return result;
  }

  /** A check of one string at one path; reports and returns false when it fails. */
  interface Check {
    boolean test(String value, String path);
  }

  // --- name rules, reported at the name's own path

  boolean id(String s, String path, String what) {
    return name(Text.checkId(s), s, path, what);
  }

  boolean toolName(String s, String path) {
    return name(Text.checkName(s), s, path, "tool name");
  }

  boolean pattern(String s, String path, String what) {
    return name(Text.checkPattern(s), s, path, what + " pattern");
  }

  boolean operation(String s, String path) {
    return s.equals("*") || id(s, path, "operation");
  }

  private boolean name(String bad, String s, String path, String what) {
    if (bad == null) {
      return true;
    }
    boolean unicode = false;
    for (int i = 0; i < s.length(); i++) {
      unicode |= s.charAt(i) > 0x7e;
    }
    out.add(path, what + " '" + PolicyProblems.printable(s) + "' " + bad, unicode
        ? "names are printable ASCII; lookalike and invisible characters are rejected, never normalised"
        : null);
    return false;
  }

  // --- checked values, shared by every part of the mapping

  /** Returns the identifier under {@code key}, or null if absent (reported when required) or not an identifier. */
  String checkedId(ObjectNode o, String path, String key, boolean required, String what) {
    String s = string(o, path, key, required);
    if (s != null && !id(s, PolicyProblems.child(path, key), what)) {
      return null;
    }
    return s;
  }

  /** Returns the whole number written in {@code s}, or reports it and returns null. */
  Long integer(String s, String path) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      out.add(path, "expected a whole number, got '" + PolicyProblems.printable(s) + "'", null);
      return null;
    }
  }

  /** Reports {@code value} as an unknown {@code what}, suggesting the closest allowed one. */
  void unknown(String path, String what, String value, List<String> allowed) {
    String hint = PolicyProblems.didYouMean(value.toLowerCase(Locale.ROOT), allowed);
    out.add(path, "unknown " + what + " '" + PolicyProblems.printable(value) + "'",
        hint != null ? hint : "one of: " + String.join(", ", allowed));
  }

  /** Builds a value, reporting what a constructor or builder refuses at the element's path. */
  <T> T construct(String path, Supplier<T> maker) {
    try {
      return maker.get();
    } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
      out.add(path, String.valueOf(e.getMessage()), null);
      return null;
    }
  }

  /**
   * Returns "a list", "a map", "a string" or "null" for messages; for a value handed over from Java
   * that is none of these ({@link PolicyValues}), "a " and its class name.
   */
  static String kind(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return "null";
    }
    if (n instanceof POJONode) {
      Object v = ((POJONode) n).getPojo();
      return v == null ? "null" : "a " + v.getClass().getName();
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isObject()) {
      return "a map";
    }
    return "a string";
  }
}
