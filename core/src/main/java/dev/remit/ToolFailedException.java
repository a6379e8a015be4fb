package dev.remit;

/**
 * Thrown by {@link Guard} when a guarded tool threw a checked exception (unchecked exceptions pass
 * through unchanged). The cause is the tool's exception; the failure was recorded.
 */
public final class ToolFailedException extends RuntimeException {
  private final transient Decision decision;

  ToolFailedException(Decision decision, Exception cause) {
    super("tool call authorized by decision " + decision.id() + " failed: " + cause, cause);
    this.decision = decision;
  }

  /** Returns the decision that authorized the failed call. */
  public Decision decision() {
    return decision;
  }
}
