package dev.remit;

/** The three answers a decision can give. Only {@link #ALLOW} lets the tool call run. */
public enum Outcome {
  /** The call is inside the agent's remit; run it. */
  ALLOW,
  /** The call is outside the agent's remit, forbidden, or could not be evaluated. */
  DENY,
  /** The call would be allowed, but a guardrail asks a human to approve this exact call first. */
  REQUIRE_APPROVAL
}
