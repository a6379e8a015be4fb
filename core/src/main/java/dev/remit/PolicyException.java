package dev.remit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a policy document or a policy built in Java is invalid, or a grant, scopes, an
 * instant or a duration read with {@link Grants}. Carries every problem found; the policy in
 * force, if any, is unchanged.
 */
public final class PolicyException extends RuntimeException {
  private final List<Problem> problems;

  public PolicyException(List<Problem> problems) {
    this("policy", problems);
  }

  /**
   * Returns an exception for an invalid {@code what} (such as {@code "grant"}), whose message reads
   * {@code invalid grant: source: path: message} or lists the problems one per line.
   */
  public PolicyException(String what, List<Problem> problems) {
    super(render(what, problems));
    this.problems = List.copyOf(problems);
  }

  /** Returns the problems, in document order. */
  public List<Problem> problems() {
    return problems;
  }

  private static String render(String what, List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a PolicyException needs at least one problem");
    }
    return problems.size() == 1
        ? "invalid " + what + ": " + problems.get(0)
        : "invalid " + what + " (" + problems.size() + " problems):\n  "
            + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  "));
  }
}
