package dev.remit.internal.policy;

import dev.remit.Problem;
import java.util.ArrayList;
import java.util.List;
import dev.remit.internal.Text;

/** The problems found in one policy document, in the order they were found. */
final class PolicyProblems {
  private final String source;
  private final List<Problem> problems = new ArrayList<>();

  PolicyProblems(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  void add(String path, String message, String suggestion) {
    problems.add(new Problem(source, path, message, suggestion));
  }

  void addAll(List<Problem> more) {
    problems.addAll(more);
  }

  int count() {
    return problems.size();
  }

  List<Problem> list() {
    return problems;
  }

  /** Returns the path of key {@code key} inside the map at {@code path}. */
  static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Returns "did you mean 'x'?" for the known name closest to {@code name}, or null. */
  static String didYouMean(String name, Iterable<String> known) {
    String near = Text.closest(name, known);
    return near == null ? null : "did you mean '" + near + "'?";
  }

  /** Returns {@code s} with characters outside printable ASCII escaped, for messages. */
  static String printable(String s) {
    return Text.printable(s);
  }
}
