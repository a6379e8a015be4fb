package dev.remit;

/**
 * Thrown by {@link Remit#enforce} when a call may not run now. It carries the decision so the
 * host can explain the denial or route the call to an approver.
 */
public class NotAuthorizedException extends RuntimeException {
  private final transient Decision decision;

  public NotAuthorizedException(Decision decision) {
    super(decision.outcome() + " " + decision.codes() + ": " + decision.reasons().get(0).message(),
        null, false, false);
    this.decision = decision;
  }

  /** Creates the exception with its own message (for subclasses that stop an allowed call). */
  protected NotAuthorizedException(Decision decision, String message) {
    super(message, null, false, false);
    this.decision = decision;
  }

  /** Returns the decision that stopped the call. */
  public Decision decision() {
    return decision;
  }
}
