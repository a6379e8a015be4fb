package dev.remit.internal.state;

import dev.remit.AgentState;

/**
 * The runtime view of one agent id: its lifecycle override and the version stamp of its
 * decisions. Every change that may change a decision by this agent (a grant issued to it or cut
 * off from it, its lifecycle or its parent agent's, a delegator's, its principals' entitlements)
 * bumps the version after the change is in place, so a cached decision carrying an older version
 * is never served again. One slot per id for the life of the engine: cache entries hold it.
 */
public final class AgentSlot {
  public final String id;
  /** The state set at runtime, or null (the document's state applies). Written under the engine lock. */
  private volatile AgentState override;
  /** Written only under the engine lock; read by any thread. */
  private volatile long version;

  AgentSlot(String id) {
    this.id = id;
  }

  public AgentState override() {
    return override;
  }

  void override(AgentState s) {
    override = s;
  }

  public long version() {
    return version;
  }

  /** Moves the version on; called under the engine lock, after the change it stands for is visible. */
  void bump() {
    version = version + 1;
  }
}
