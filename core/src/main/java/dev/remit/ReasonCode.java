package dev.remit;

/**
 * Stable machine-readable reason codes. Each decision carries one or more; their meaning is
 * documented in {@code docs/reason-codes.md}. Codes are never renamed or reused.
 */
public enum ReasonCode {
  // ALLOW
  /** A grant in a valid delegation chain covers the call and all its constraints hold. */
  GRANT_MATCHED(Outcome.ALLOW),
  /** A require-approval rule applied and a valid approval bound to this call was presented. */
  APPROVAL_ACCEPTED(Outcome.ALLOW),

  // REQUIRE_APPROVAL
  /** A require-approval rule applies and no valid approval for this exact call was presented. */
  APPROVAL_REQUIRED(Outcome.REQUIRE_APPROVAL),
  /** The approval presented is unknown, expired, used up, of the wrong role or bound to another call. */
  APPROVAL_INVALID(Outcome.REQUIRE_APPROVAL),

  // DENY: the request itself
  /** The request lacks a required part (subject, tool, operation, resource) or is not well formed. */
  MALFORMED_REQUEST(Outcome.DENY),
  /** A tool name, resource id or identifier in the request breaks the naming rules. */
  INVALID_NAME(Outcome.DENY),
  /** The subject is not a known agent or component. */
  UNKNOWN_AGENT(Outcome.DENY),
  /** The acting agent, or the agent it is a component of, is suspended. */
  AGENT_SUSPENDED(Outcome.DENY),
  /** The acting agent, or the agent it is a component of, is revoked. */
  AGENT_REVOKED(Outcome.DENY),
  /** The tool is not in the catalog. */
  UNKNOWN_TOOL(Outcome.DENY),
  /** The tool has no such operation. */
  UNKNOWN_OPERATION(Outcome.DENY),

  // DENY: guardrails
  /** A forbid rule applies. */
  FORBIDDEN_BY_RULE(Outcome.DENY),

  // DENY: grants and delegation
  /** No grant of the acting identity covers this tool, operation and resource (out of remit). */
  NO_MATCHING_GRANT(Outcome.DENY),
  /**
   * A covering grant's constraint is not satisfied by the call: a grant-level constraint, or the
   * constraints of every scope (of the grant, an ancestor or the principal's entitlements) that
   * covers the tool, operation and resource.
   */
  CONSTRAINT_VIOLATED(Outcome.DENY),
  /** A constraint or rule condition refers to an attribute the request does not carry. */
  MISSING_ATTRIBUTE(Outcome.DENY),
  /** An attribute has the wrong type for the comparison a constraint or rule makes. */
  ATTRIBUTE_TYPE_MISMATCH(Outcome.DENY),
  /** The grant, or a grant above it in the chain, is not valid yet. */
  GRANT_NOT_YET_VALID(Outcome.DENY),
  /** The grant, or a grant above it in the chain, has expired. */
  GRANT_EXPIRED(Outcome.DENY),
  /** The grant, or a grant above it in the chain, was revoked. */
  GRANT_REVOKED(Outcome.DENY),
  /** The grant, or a grant above it in the chain, is outside its time window now. */
  OUTSIDE_TIME_WINDOW(Outcome.DENY),
  /** The call budget (max calls) of the grant or a grant above it is used up. */
  MAX_CALLS_EXHAUSTED(Outcome.DENY),
  /** A grant above the covering one in the chain does not cover the call (a widening hop). */
  DELEGATION_EXCEEDS_PARENT(Outcome.DENY),
  /** A link of the delegation chain is missing, or its holder is not the one who delegated. */
  CHAIN_BROKEN(Outcome.DENY),
  /** The delegation chain is longer than the configured maximum depth. */
  CHAIN_TOO_DEEP(Outcome.DENY),
  /** An agent that delegated down the chain is suspended or revoked. */
  DELEGATOR_INACTIVE(Outcome.DENY),
  /** The chain's original principal is not known (any more). */
  UNKNOWN_PRINCIPAL(Outcome.DENY),
  /** The original principal's current entitlements do not cover the call. */
  PRINCIPAL_NOT_ENTITLED(Outcome.DENY),

  // DENY: failures
  /** Evaluation failed unexpectedly; the decision fails closed. */
  EVALUATION_ERROR(Outcome.DENY);

  private final Outcome outcome;

  ReasonCode(Outcome outcome) {
    this.outcome = outcome;
  }

  /** Returns the outcome this code explains. */
  public Outcome outcome() {
    return outcome;
  }
}
