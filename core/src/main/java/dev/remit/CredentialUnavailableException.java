package dev.remit;

/**
 * Thrown when an allowed call needs a credential (its grant declares one) and none could be
 * minted: no broker is configured, or the broker failed. The call must not run. The message is
 * agent-facing; the cause, if any, is the broker's failure, for the operator.
 */
public final class CredentialUnavailableException extends NotAuthorizedException {
  CredentialUnavailableException(Decision decision, String operatorMessage, Throwable cause) {
    super(decision, "the credential this call needs could not be issued", cause);
    this.operatorMessage = operatorMessage;
  }

  private final String operatorMessage;

  /** Returns why, for the operator (names the broker's failure). */
  public String operatorMessage() {
    return operatorMessage;
  }
}
