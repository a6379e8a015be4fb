package dev.remit;

import java.util.Objects;

/**
 * Why a decision came out as it did: a stable code for machines and two sentences, one for each
 * audience.
 *
 * <p>The {@link #message() operator message} is the full story for logs, the audit trail and the
 * CLI: it names the grant, rule, attribute, identity or limit involved. The
 * {@link #agentMessage() agent message} is what the agent (and so the model) may read: it says what
 * kind of problem stopped the call and never reveals identities, inventories (other agents, tools,
 * operations) or limits. Exceptions thrown by {@link Remit#enforce} and {@link Guard}, and AuthZEN
 * responses, carry the agent message unless the host opts in to the operator message.
 *
 * @param code stable reason code
 * @param message operator explanation naming the grant, rule or attribute involved
 * @param agentMessage agent-facing explanation that reveals no identities, inventories or limits
 */
public record Reason(ReasonCode code, String message, String agentMessage) {
  public Reason {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(agentMessage, "agentMessage");
  }

  /** Returns a reason whose agent message is the code's standard one ({@link ReasonCode#agentText()}). */
  public Reason(ReasonCode code, String message) {
    this(code, message, code.agentText());
  }
}
