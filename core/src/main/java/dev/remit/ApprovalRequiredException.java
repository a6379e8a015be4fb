package dev.remit;

/**
 * Thrown by {@link Remit#enforce} for a {@link Outcome#REQUIRE_APPROVAL} decision: the call may run
 * once an approver holding the role in the decision's {@code approval} obligation approves it.
 */
public final class ApprovalRequiredException extends NotAuthorizedException {
  public ApprovalRequiredException(Decision decision) {
    super(decision);
  }
}
