package dev.remit;

/**
 * Stable machine-readable reason codes. Each decision carries one or more; their meaning is
 * documented in {@code docs/reason-codes.md}. Codes are never renamed or reused.
 */
public enum ReasonCode {
  // ALLOW
  /** A grant in a valid delegation chain covers the call and all its constraints hold. */
  GRANT_MATCHED(Outcome.ALLOW, "the call is within the agent's current remit"),
  /** A require-approval rule applied and a valid approval bound to this call was presented. */
  APPROVAL_ACCEPTED(Outcome.ALLOW, "a human approved this exact call"),

  // REQUIRE_APPROVAL
  /** A require-approval rule applies and no valid approval for this exact call was presented. */
  APPROVAL_REQUIRED(Outcome.REQUIRE_APPROVAL, "this call needs a human approval before it can run"),
  /** The approval presented is unknown, expired, used up, of the wrong role or bound to another call. */
  APPROVAL_INVALID(Outcome.REQUIRE_APPROVAL, "the approval presented cannot be used for this call"),

  // DENY: the request itself
  /** The request lacks a required part (subject, tool, operation, resource) or is not well formed. */
  MALFORMED_REQUEST(Outcome.DENY, "the request is malformed"),
  /** A tool name, resource id or identifier in the request breaks the naming rules. */
  INVALID_NAME(Outcome.DENY, "the request contains a name that is not allowed"),
  /** The subject is not a known agent or component. */
  UNKNOWN_AGENT(Outcome.DENY, "the calling identity is not recognised"),
  /** The acting agent, or the agent it is a component of, is suspended. */
  AGENT_SUSPENDED(Outcome.DENY, "the agent is suspended"),
  /** The acting agent, or the agent it is a component of, is revoked. */
  AGENT_REVOKED(Outcome.DENY, "the agent has been revoked"),
  /** The tool is not in the catalog. */
  UNKNOWN_TOOL(Outcome.DENY, "this tool is not available to the agent"),
  /** The tool has no such operation. */
  UNKNOWN_OPERATION(Outcome.DENY, "this operation is not available to the agent"),

  // DENY: guardrails
  /** A forbid rule applies. */
  FORBIDDEN_BY_RULE(Outcome.DENY, "this call is forbidden by the organisation's policy"),

  // DENY: grants and delegation
  /** No grant of the acting identity covers this tool, operation and resource (out of remit). */
  NO_MATCHING_GRANT(Outcome.DENY, "this call is outside the agent's current remit"),
  /**
   * A covering grant's constraint is not satisfied by the call: a grant-level constraint, or the
   * constraints of every scope (of the grant, an ancestor or the principal's entitlements) that
   * covers the tool, operation and resource.
   */
  CONSTRAINT_VIOLATED(Outcome.DENY, "an argument or attribute of this call is outside what the agent may do"),
  /** A constraint or rule condition refers to an attribute the request does not carry. */
  MISSING_ATTRIBUTE(Outcome.DENY, "the call lacks information the policy needs to decide"),
  /** An attribute has the wrong type for the comparison a constraint or rule makes. */
  ATTRIBUTE_TYPE_MISMATCH(Outcome.DENY, "a value in this call has a type the policy cannot compare"),
  /** The grant, or a grant above it in the chain, is not valid yet. */
  GRANT_NOT_YET_VALID(Outcome.DENY, "the agent's authority for this call is not valid yet"),
  /** The grant, or a grant above it in the chain, has expired. */
  GRANT_EXPIRED(Outcome.DENY, "the agent's authority for this call has expired"),
  /** The grant, or a grant above it in the chain, was revoked. */
  GRANT_REVOKED(Outcome.DENY, "the agent's authority for this call was revoked"),
  /** The grant, or a grant above it in the chain, is outside its time window now. */
  OUTSIDE_TIME_WINDOW(Outcome.DENY, "the agent's authority for this call does not apply at this time"),
  /** The call budget (max calls) of the grant or a grant above it is used up. */
  MAX_CALLS_EXHAUSTED(Outcome.DENY, "the agent has used up the calls it was allowed for this"),
  /** A grant above the covering one in the chain does not cover the call (a widening hop). */
  DELEGATION_EXCEEDS_PARENT(Outcome.DENY, "the authority delegated to the agent does not cover this call"),
  /** A link of the delegation chain is missing, or its holder is not the one who delegated. */
  CHAIN_BROKEN(Outcome.DENY, "the delegation behind the agent's authority is no longer valid"),
  /** The delegation chain is longer than the configured maximum depth. */
  CHAIN_TOO_DEEP(Outcome.DENY, "the delegation behind the agent's authority is no longer valid"),
  /** An agent that delegated down the chain is suspended or revoked. */
  DELEGATOR_INACTIVE(Outcome.DENY, "the delegation behind the agent's authority is no longer valid"),
  /** The chain's original principal is not known (any more). */
  UNKNOWN_PRINCIPAL(Outcome.DENY, "the delegation behind the agent's authority is no longer valid"),
  /** The original principal's current entitlements do not cover the call. */
  PRINCIPAL_NOT_ENTITLED(Outcome.DENY, "the person or service the agent acts for may not do this"),

  // decision stages (dev.remit.spi.DecisionStage)
  /** A decision stage agreed with the native ALLOW and added a note; accompanies GRANT_MATCHED. */
  STAGE_ALLOWED(Outcome.ALLOW, "an additional policy check agreed"),
  /** A decision stage denied a call the native checks allowed. */
  STAGE_DENIED(Outcome.DENY, "this call is forbidden by the organisation's policy"),
  /** A decision stage threw, ran past its time budget, was overloaded or answered something invalid. */
  STAGE_FAILED(Outcome.DENY, "a policy check could not be completed, so the call was denied"),

  // DENY: failures
  /** Evaluation failed unexpectedly; the decision fails closed. */
  EVALUATION_ERROR(Outcome.DENY, "the call could not be evaluated, so it was denied");

  private final Outcome outcome;
  private final String agentText;

  ReasonCode(Outcome outcome, String agentText) {
    this.outcome = outcome;
    this.agentText = agentText;
  }

  /**
   * Returns the standard agent-facing sentence for this code: what kind of problem it is, with no
   * identity, inventory or limit in it. Reasons made by the engine use it as their
   * {@link Reason#agentMessage()}.
   */
  public String agentText() {
    return agentText;
  }

  /** Returns the outcome this code explains. */
  public Outcome outcome() {
    return outcome;
  }
}
