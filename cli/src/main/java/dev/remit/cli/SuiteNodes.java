package dev.remit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remit.Grants;
import dev.remit.PolicyException;
import dev.remit.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Typed access to the tree of one suite file, collecting problems instead of throwing: each
 * accessor reports what is wrong at its exact path (file, path, message, suggestion, as the
 * policy loader does) and returns null, so that one pass finds every problem of the suite.
 * Instants and durations, and whatever else the policy format defines, are read by core's
 * {@link Grants} and its problems join the suite's.
 */
final class SuiteNodes {
  private final String source;
  private final List<Problem> problems = new ArrayList<>();

  SuiteNodes(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  /** Returns the problems found so far, in the order they were found. */
  List<Problem> problems() {
    return problems;
  }

  int count() {
    return problems.size();
  }

  void problem(String path, String message, String suggestion) {
    problems.add(new Problem(source, path, message, suggestion));
  }

  void addAll(List<Problem> more) {
    problems.addAll(more);
  }

  /** Returns what core read, or null with its problems added to this suite's. */
  <T> T core(Supplier<T> read) {
    try {
      return read.get();
    } catch (PolicyException e) {
      problems.addAll(e.problems());
      return null;
    }
  }

  Instant instant(JsonNode n, String path) {
    return core(() -> Grants.readInstant(value(n), source, path));
  }

  Duration duration(JsonNode n, String path) {
    return core(() -> Grants.readDuration(value(n), source, path));
  }

  /** Returns the node as maps, lists and scalars, as {@link Grants} reads them. */
  static Object value(JsonNode n) {
    return Yaml.JSON.convertValue(n, Object.class);
  }

  /** Returns the value of {@code key}, or reports it missing (at {@code path}) and returns null. */
  JsonNode required(JsonNode n, String key, String path) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      problem(path, "missing required key '" + key + "'", null);
      return null;
    }
    return v;
  }

  /** Reports every key not {@code allowed}, suggesting the closest of those and of {@code alsoNear}. */
  void keys(JsonNode n, String path, List<String> allowed, List<String> alsoNear) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        String near = closest(k, Stream.concat(allowed.stream(), alsoNear.stream()).toList());
        problem(child(path, k), "unknown key '" + k + "'",
            near != null ? "did you mean '" + near + "'?" : "known keys here: " + String.join(", ", allowed));
      }
    }
  }

  /** Returns the text of a scalar (a number or boolean as written), or reports and returns null. */
  String text(JsonNode n, String path) {
    if (n == null || !n.isValueNode() || n.isNull()) {
      problem(path, "expected a string, got " + kind(n), null);
      return null;
    }
    return n.asText();
  }

  /** Returns a list of strings; a single string stands for a list of one. */
  List<String> strings(JsonNode n, String path) {
    if (n.isTextual()) {
      return List.of(n.asText());
    }
    if (!n.isArray()) {
      problem(path, "expected a string or a list of strings, got " + kind(n), null);
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String s = text(n.get(i), path + "[" + i + "]");
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /** Returns "a list", "a map", "a string" or "null" for messages. */
  static String kind(JsonNode n) {
    return n == null || n.isNull() ? "null" : n.isArray() ? "a list" : n.isObject() ? "a map" : "a string";
  }

  /** Returns the path of key {@code key} inside the map at {@code path}. */
  static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Returns the candidate within edit distance 2 of {@code s}, or null. */
  static String closest(String s, Iterable<String> candidates) {
    String best = null;
    int bestD = 3;
    for (String c : candidates) {
      int d = distance(s.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
