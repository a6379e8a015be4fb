package dev.remit.cli;

/**
 * Bad input to a command: a file that cannot be read or parsed, or a request, suite or argument
 * of the wrong shape. The CLI prints the message on stderr and exits with status 2.
 */
public final class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
