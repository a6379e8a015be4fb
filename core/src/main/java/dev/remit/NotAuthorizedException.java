package dev.remit;

/**
 * Thrown by {@link Remit#enforce} and {@link Guard} when a call may not run now. It carries the
 * decision so the host can explain the denial to an operator or route the call to an approver.
 *
 * <p>Its {@linkplain #getMessage() message} is agent-facing: the outcome, the reason codes and the
 * first reason's {@link Reason#agentMessage()}, so that it may reach the model (agent frameworks
 * often hand exception texts back to it) without revealing identities, inventories or limits. The
 * operator's explanation is {@code decision().explain()}.
 */
public class NotAuthorizedException extends RuntimeException {
  private final transient Decision decision;

  public NotAuthorizedException(Decision decision) {
    super(agentText(decision), null, false, false);
    this.decision = decision;
  }

  /** Creates the exception with its own message (for subclasses that stop an allowed call). */
  protected NotAuthorizedException(Decision decision, String message) {
    super(message, null, false, false);
    this.decision = decision;
  }

  /** Creates the exception with its own message and cause. */
  protected NotAuthorizedException(Decision decision, String message, Throwable cause) {
    super(message, cause, false, false);
    this.decision = decision;
  }

  /** Returns the decision that stopped the call. */
  public Decision decision() {
    return decision;
  }

  static String agentText(Decision d) {
    return d.outcome() + " " + d.codes() + ": " + d.reasons().get(0).agentMessage();
  }
}
