package dev.remit;

/**
 * Thrown by {@link Remit#enforce} for a {@link Outcome#REQUIRE_APPROVAL} decision: the call may run
 * once an approver holding the role in the decision's {@code approval} obligation approves it.
 */
public final class ApprovalRequiredException extends NotAuthorizedException {
  public ApprovalRequiredException(Decision decision) {
    super(decision);
  }

  /** Creates the exception for a call an approval handler could not get approved; {@code cause} says why. */
  public ApprovalRequiredException(Decision decision, Throwable cause) {
    super(decision, agentText(decision), cause);
  }
}
