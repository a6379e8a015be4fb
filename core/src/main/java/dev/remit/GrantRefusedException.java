package dev.remit;

/**
 * Thrown by {@link Remit#issue} when a grant cannot be issued: it would exceed its parent grant or
 * its principal's entitlements, its parent is invalid, the chain is too deep, or it names unknown
 * identities. The message says which part exceeds what.
 */
public final class GrantRefusedException extends RuntimeException {
  private final String grantId;

  public GrantRefusedException(String grantId, String message) {
    super("grant " + grantId + " refused: " + message);
    this.grantId = grantId;
  }

  /** Returns the id of the refused grant. */
  public String grantId() {
    return grantId;
  }
}
