package dev.remit;

import java.util.Locale;

/** Lifecycle state of an agent identity. Only {@link #ACTIVE} agents can be authorized. */
public enum AgentState {
  ACTIVE,
  /** Temporarily stopped; {@code resumeAgent} makes it active again. */
  SUSPENDED,
  /** Permanently stopped; no policy swap or resume brings it back. */
  REVOKED;

  /** Returns the state named {@code name}, case-insensitively, or null if none is. */
  public static AgentState fromName(String name) {
    if (name == null) {
      return null;
    }
    for (AgentState s : values()) {
      if (s.name().equals(name.toUpperCase(Locale.ROOT))) {
        return s;
      }
    }
    return null;
  }
}
