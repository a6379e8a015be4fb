package dev.remit.internal;

import dev.remit.Policy;
import dev.remit.PolicyException;
import dev.remit.Problem;
import java.nio.file.Path;
import java.util.List;

/** Reads policy documents (YAML or JSON) into {@link Policy}. Placeholder until the loader lands. */
public final class PolicyReader {
  private PolicyReader() {}

  public static Policy read(Path file) {
    throw new PolicyException(List.of(new Problem(file.toString(), "", "loader not built yet", null)));
  }

  public static Policy read(String text, String source) {
    throw new PolicyException(List.of(new Problem(source, "", "loader not built yet", null)));
  }
}
