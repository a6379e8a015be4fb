package dev.remit.spi;

/**
 * How the host asks a human to approve a call that needs it: a chat message, an MCP elicitation,
 * a ticket. Given to {@link dev.remit.Guard} (and the framework interceptors) so that a
 * {@code REQUIRE_APPROVAL} decision is turned into a question, and an answer into an
 * {@link dev.remit.Approval} that Remit issues itself ({@link dev.remit.Authorizer#approve}) after
 * checking that the approver is a human principal holding the role. The call is then decided again
 * with the approval; the handler can never make a call run that the policy does not allow.
 *
 * <p>Called on the thread that runs the tool; it may block up to
 * {@link ApprovalQuestion#timeout()} waiting for the human. Authenticating the approver is the
 * host's: Remit trusts the identity the answer names.
 */
@FunctionalInterface
public interface ApprovalHandler {
  /**
   * Returns the human's answer to {@code question}.
   *
   * @throws Exception on failure; the call does not run
   */
  ApprovalAnswer ask(ApprovalQuestion question) throws Exception;
}
