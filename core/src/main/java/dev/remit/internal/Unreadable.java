package dev.remit.internal;

/**
 * Stands in a {@link dev.remit.Request} for a nested value that could not be read when the request
 * was built (a host's map or list that threw while it was copied, or nesting deeper than
 * {@link Frozen#MAX_DEPTH}). Reading it during evaluation throws, so the decision fails closed with
 * {@code EVALUATION_ERROR}, as reading the original would have.
 */
public final class Unreadable {
  private final String path;
  private final String problem;

  Unreadable(String path, String problem) {
    this.path = path;
    this.problem = problem;
  }

  /** Returns the exception to throw where evaluation reads this value. */
  public IllegalStateException failure() {
    return new IllegalStateException(path + " could not be read when the request was built: " + problem);
  }

  @Override
  public String toString() {
    return "<unreadable " + path + ": " + problem + ">";
  }
}
