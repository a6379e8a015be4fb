package dev.remit;

/** How a batch of evaluations runs (AuthZEN {@code options.evaluations_semantic}). */
public enum BatchSemantic {
  /** Evaluate every item (default). */
  EXECUTE_ALL("execute_all"),
  /** Stop after the first item that is not allowed. */
  DENY_ON_FIRST_DENY("deny_on_first_deny"),
  /** Stop after the first item that is allowed. */
  PERMIT_ON_FIRST_PERMIT("permit_on_first_permit");

  private final String wireName;

  BatchSemantic(String wireName) {
    this.wireName = wireName;
  }

  /** Returns the AuthZEN name. */
  public String wireName() {
    return wireName;
  }

  /** Returns the semantic with that AuthZEN name, or null. */
  public static BatchSemantic fromWireName(String name) {
    for (BatchSemantic s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    return null;
  }
}
