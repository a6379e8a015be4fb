package dev.remit;

import java.util.Objects;

/**
 * An agent identity: a first-class actor with an owner, a purpose, an environment and a lifecycle.
 *
 * <p>A <em>component</em> of an agent (its orchestrator, reasoner or tool connector) is an agent of
 * its own whose {@code partOf} names the agent it belongs to. A component holds its own grants, so
 * every action is attributed to the component that made it; suspending or revoking the agent it is
 * part of stops the component too.
 *
 * @param id unique identifier, e.g. {@code travel-bot} or {@code travel-bot.connector}
 * @param owner who answers for this agent (a person or team)
 * @param purpose what the agent is for, in words
 * @param environment where it runs, e.g. {@code production} or {@code staging}
 * @param state lifecycle state
 * @param partOf id of the agent this is a component of, or null for a top-level agent
 * @param role the component's role (orchestrator, reasoner, tool-connector…), or null
 */
public record Agent(
    String id, String owner, String purpose, String environment, AgentState state, String partOf,
    String role) {

  public Agent {
    Names.requireId(id, "agent id");
    Objects.requireNonNull(state, "state");
    if (partOf != null) {
      Names.requireId(partOf, "partOf");
      if (partOf.equals(id)) {
        throw new IllegalArgumentException("agent " + id + " cannot be a component of itself");
      }
    }
  }

  /** Returns an active top-level agent. */
  public static Agent of(String id, String owner, String purpose, String environment) {
    return new Agent(id, owner, purpose, environment, AgentState.ACTIVE, null, null);
  }

  /** Returns an active component {@code id} of agent {@code partOf} with the given role. */
  public static Agent component(String id, String partOf, String role) {
    return new Agent(id, null, null, null, AgentState.ACTIVE, partOf, role);
  }

  /** Returns a copy in the given state. */
  public Agent withState(AgentState newState) {
    return new Agent(id, owner, purpose, environment, newState, partOf, role);
  }

  /** Returns whether this is a component of another agent. */
  public boolean isComponent() {
    return partOf != null;
  }
}
