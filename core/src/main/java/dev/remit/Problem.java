package dev.remit;

import java.util.Objects;

/**
 * One thing wrong with a policy document.
 *
 * @param source file name (or {@code <builder>} for policies built in Java)
 * @param path location inside the document, e.g. {@code grants[2].scopes[0].tools[0]}
 * @param message what is wrong
 * @param suggestion a likely fix ("did you mean 'payments'?"), or null
 */
public record Problem(String source, String path, String message, String suggestion) {
  public Problem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** Returns {@code source: path: message (suggestion)}. */
  @Override
  public String toString() {
    return source + ": " + (path.isEmpty() ? "" : path + ": ") + message
        + (suggestion == null ? "" : " (" + suggestion + ")");
  }
}
