package dev.remit;

/**
 * Thrown by {@link Guard} when the arguments about to be executed differ from the arguments that
 * were authorized. The tool did not run; an outcome record with status
 * {@link AuditRecord.Status#BLOCKED_ARGUMENT_MISMATCH} was written.
 */
public final class ArgumentMismatchException extends NotAuthorizedException {
  private final String authorizedDigest;
  private final String executedDigest;

  ArgumentMismatchException(Decision decision, String authorizedDigest, String executedDigest) {
    super(decision, "arguments to execute (" + executedDigest + ") differ from the arguments authorized by decision "
        + decision.id() + " (" + authorizedDigest + "); the call was blocked");
    this.authorizedDigest = authorizedDigest;
    this.executedDigest = executedDigest;
  }

  /** Returns the digest of the authorized arguments. */
  public String authorizedDigest() {
    return authorizedDigest;
  }

  /** Returns the digest of the arguments that were about to run. */
  public String executedDigest() {
    return executedDigest;
  }
}
