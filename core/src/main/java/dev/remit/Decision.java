package dev.remit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one {@link Request}: outcome, reasons, obligations and the authority behind it.
 *
 * @param id unique decision id (links audit records, approvals and credentials to this decision)
 * @param outcome allow, deny or require approval
 * @param reasons why, at least one; codes are stable, see {@link ReasonCode}
 * @param obligations what the host must do (ask for approval, mint a credential, a stage's own)
 * @param subject acting identity as given in the request (may be null for a malformed request)
 * @param agent the top-level agent the subject is, or is a component of; null if unknown
 * @param grant id of the grant that matched (or was closest to matching), or null
 * @param chain the delegation chain of that grant, or null
 * @param approval id of the approval that was used, or null
 * @param policyVersion version of the policy in force
 * @param revision the sequence number of the last runtime state change in force when the decision was
 *     made (for a decision served from the cache: when it was served, since nothing it depends on
 *     changed in between)
 * @param evaluatedAt evaluation time
 */
public record Decision(
    String id, Outcome outcome, List<Reason> reasons, List<Obligation> obligations, String subject,
    String agent, String grant, DelegationChain chain, String approval, String policyVersion,
    long revision, Instant evaluatedAt) {

  public Decision {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(outcome, "outcome");
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("a decision needs at least one reason");
    }
    obligations = List.copyOf(obligations);
    Objects.requireNonNull(policyVersion, "policyVersion");
    Objects.requireNonNull(evaluatedAt, "evaluatedAt");
  }

  /** Returns whether the call may run. */
  public boolean allowed() {
    return outcome == Outcome.ALLOW;
  }

  /** Returns whether any reason has the given code. */
  public boolean has(ReasonCode code) {
    for (Reason r : reasons) {
      if (r.code() == code) {
        return true;
      }
    }
    return false;
  }

  /** Returns the reason codes in order. */
  public List<ReasonCode> codes() {
    return reasons.stream().map(Reason::code).toList();
  }

  /** Returns the obligations of the given wire type ({@link Obligation#APPROVAL}, …). */
  public List<Obligation> obligations(String type) {
    return obligations.stream().filter(o -> o.type().equals(type)).toList();
  }

  /** Returns the obligations of the given kind, e.g. {@code obligations(Obligation.ApprovalNeeded.class)}. */
  public <T extends Obligation> List<T> obligations(Class<T> kind) {
    return obligations.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /**
   * Returns the operator's explanation: the outcome, then each reason code with its operator
   * message (identities, rules and limits included). For logs, audit and the CLI; never for the agent.
   */
  public String explain() {
    StringBuilder b = new StringBuilder(outcome.name());
    for (Reason r : reasons) {
      b.append("\n  ").append(r.code()).append(": ").append(r.message());
    }
    return b.toString();
  }

  /**
   * Returns the agent-facing explanation: the outcome, then each reason code with its agent
   * message. It reveals no identities, inventories or limits and may be shown to the model.
   */
  public String explainForAgent() {
    StringBuilder b = new StringBuilder(outcome.name());
    for (Reason r : reasons) {
      b.append("\n  ").append(r.code()).append(": ").append(r.agentMessage());
    }
    return b.toString();
  }
}
