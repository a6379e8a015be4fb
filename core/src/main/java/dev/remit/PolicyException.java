package dev.remit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a policy document or a policy built in Java is invalid. Carries every problem found;
 * the policy in force, if any, is unchanged.
 */
public final class PolicyException extends RuntimeException {
  private final List<Problem> problems;

  public PolicyException(List<Problem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  /** Returns the problems, in document order. */
  public List<Problem> problems() {
    return problems;
  }

  private static String render(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a PolicyException needs at least one problem");
    }
    return problems.size() == 1
        ? "invalid policy: " + problems.get(0)
        : "invalid policy (" + problems.size() + " problems):\n  "
            + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  "));
  }
}
