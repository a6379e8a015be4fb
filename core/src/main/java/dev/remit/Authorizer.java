package dev.remit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A decision point, as enforcement points see it: {@link Guard}, the agent-framework interceptors
 * and the host's own glue depend on this interface, not on how decisions are made. {@link Remit} is
 * the embedded implementation.
 *
 * <p>The life of a call: {@link #authorize} it; on {@code REQUIRE_APPROVAL} have a human
 * {@link #approve} it and authorize again with the approval; on {@code ALLOW} obtain the
 * {@link #credentials} its grant declares, run it, and {@link #report} what became of it.
 *
 * <p>Implementations are thread-safe; {@link #authorize} never throws and never returns null.
 */
public interface Authorizer {
  /** Returns the decision for one call: ALLOW, DENY or REQUIRE_APPROVAL, with reasons. Never throws. */
  Decision authorize(Request request);

  /**
   * Returns the ALLOW decision for the call, or throws so the call cannot run by accident.
   *
   * @throws ApprovalRequiredException when a human must approve this exact call first
   * @throws NotAuthorizedException when the call is denied
   */
  default Decision enforce(Request request) {
    Decision d = authorize(request);
    switch (d.outcome()) {
      case ALLOW:
        return d;
      case REQUIRE_APPROVAL:
        throw new ApprovalRequiredException(d);
      default:
        throw new NotAuthorizedException(d);
    }
  }

  /**
   * Returns the decisions for a batch of calls, in order, under the given semantic. With
   * {@link BatchSemantic#DENY_ON_FIRST_DENY} the list ends at the first decision that is not an
   * ALLOW; with {@link BatchSemantic#PERMIT_ON_FIRST_PERMIT} at the first ALLOW.
   */
  default List<Decision> authorizeAll(List<Request> requests, BatchSemantic semantic) {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(semantic, "semantic");
    List<Decision> out = new ArrayList<>(requests.size());
    for (Request r : requests) {
      Decision d = authorize(r);
      out.add(d);
      if (semantic == BatchSemantic.DENY_ON_FIRST_DENY && !d.allowed()) {
        break;
      }
      if (semantic == BatchSemantic.PERMIT_ON_FIRST_PERMIT && d.allowed()) {
        break;
      }
    }
    return out;
  }

  /**
   * Records a human approval of exactly this call, in one role, and returns it; present its id in
   * {@code context.approval} when making the call again.
   *
   * @throws IllegalArgumentException if the approver is not a human principal holding {@code role},
   *     or no approval the call needs asks for that role
   * @throws IllegalStateException if the call needs no approval (it is allowed or denied as it is)
   */
  Approval approve(Request request, String approver, String role, Duration ttl);

  /**
   * Returns the credentials an allowed call's grant declares, minted by the configured broker
   * (one per {@link Obligation.MintCredential} of the decision); empty when the decision carries
   * none, or when no broker is configured (the host then mints from the obligation itself).
   * Enforcement points record their ids in the call's outcome.
   *
   * @throws CredentialUnavailableException if a broker is configured and cannot mint one (it
   *     failed, or answered a credential wider or longer-lived than the obligation); the call
   *     must not run
   * @throws IllegalArgumentException if the decision is not an ALLOW
   */
  List<Credential> credentials(Request request, Decision decision);

  /** Records what became of a call and settles its call budget (see {@link CallReport#refund()}). */
  void report(Request request, Decision decision, CallReport report);

  /** Returns the clock decisions are made by. */
  Clock clock();
}
