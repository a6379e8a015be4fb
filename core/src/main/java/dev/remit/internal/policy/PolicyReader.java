package dev.remit.internal.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remit.Policy;
import dev.remit.PolicyException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads policy documents (YAML or JSON, format in {@code docs/policy-format.md}) into a
 * {@link Policy}.
 *
 * <p>Reading happens in three passes, each reporting every problem it finds: {@link PolicySyntax}
 * turns the bytes into a tree (syntax, size, nesting, duplicate keys, YAML anchors);
 * {@link PolicyDocument} maps the tree onto the model (types, required and unknown keys, enum
 * values, names, instants, durations, zones); once the document is sound element by element,
 * {@link Policy.Builder#build()} checks cross-references and delegation narrowing. A document with
 * any problem is rejected whole with one {@link PolicyException}; no partial policy is ever
 * returned.
 */
public final class PolicyReader {
  private PolicyReader() {}

  /** Returns the policy in {@code file}; problems name the file as given. */
  public static Policy read(Path file) {
    String source = file.toString();
    PolicyProblems out = new PolicyProblems(source);
    byte[] bytes;
    try {
      if (Files.size(file) > PolicySyntax.MAX_BYTES) {
        out.add("", "the file is larger than 16 MiB (" + Files.size(file) + " bytes)",
            "split the policy or remove what it does not need");
        throw new PolicyException(out.list());
      }
      try (InputStream in = Files.newInputStream(file)) {
        // read one byte past the limit so a file that grew after the size check is still refused
        bytes = in.readNBytes(PolicySyntax.MAX_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      out.add("", "no such file", null);
      throw new PolicyException(out.list());
    } catch (IOException e) {
      out.add("", "cannot read the file: " + e.getMessage(), null);
      throw new PolicyException(out.list());
    }
    return read(bytes, out);
  }

  /**
   * Returns the policy in the bytes {@code in} yields; {@code source} names it in problems and
   * chooses the format. Reads at most one byte past the size limit, so a larger (or endless)
   * stream is refused without being read to its end. Does not close {@code in}.
   */
  public static Policy read(InputStream in, String source) {
    PolicyProblems out = new PolicyProblems(source);
    byte[] bytes;
    try {
      bytes = in.readNBytes(PolicySyntax.MAX_BYTES + 1);
    } catch (IOException e) {
      out.add("", "cannot read the stream: " + e.getMessage(), null);
      throw new PolicyException(out.list());
    }
    return read(bytes, out);
  }

  /**
   * Returns the policy in the class path resource {@code name} as {@code loader} finds it;
   * problems name it {@code classpath:NAME}. A leading {@code /} is dropped: class loaders name
   * resources from the root without one.
   */
  public static Policy readResource(ClassLoader loader, String name) {
    String relative = name.startsWith("/") ? name.substring(1) : name;
    PolicyProblems out = new PolicyProblems("classpath:" + relative);
    URL url = loader.getResource(relative);
    if (url == null) {
      out.add("", "no such resource on the class path", null);
      throw new PolicyException(out.list());
    }
    if (isDirectory(url)) {
      // a file: URL of a directory opens as a listing of its names, which would read as YAML
      out.add("", "is a directory, not a policy document", null);
      throw new PolicyException(out.list());
    }
    byte[] bytes;
    try (InputStream in = url.openStream()) {
      bytes = in.readNBytes(PolicySyntax.MAX_BYTES + 1);
    } catch (IOException e) {
      out.add("", "cannot read the resource: " + e.getMessage(), null);
      throw new PolicyException(out.list());
    }
    return read(bytes, out);
  }

  private static boolean isDirectory(URL url) {
    if (!"file".equals(url.getProtocol())) {
      return false;
    }
    try {
      return Files.isDirectory(Path.of(url.toURI()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Returns the policy in {@code text}; {@code source} names it in problems. */
  public static Policy read(String text, String source) {
    PolicyProblems out = new PolicyProblems(source);
    return read(text.getBytes(StandardCharsets.UTF_8), out);
  }

  private static Policy read(byte[] bytes, PolicyProblems out) {
    if (bytes.length > PolicySyntax.MAX_BYTES) {
      out.add("", "the document is larger than 16 MiB", "split the policy or remove what it does not need");
      throw new PolicyException(out.list());
    }
    JsonNode root = PolicySyntax.parse(bytes, PolicySyntax.looksLikeJson(out.source(), bytes), out);
    if (root == null) {
      throw new PolicyException(out.list());
    }
    Policy.Builder b = Policy.builder().source(out.source());
    String version = PolicyDocument.map(root, b, out);
    if (out.count() > 0) {
      // cross-reference checks on a partly read document would report echoes of the problems above
      throw new PolicyException(out.list());
    }
    b.version(version != null ? version : digest(bytes));
    try {
      return b.build();
    } catch (PolicyException e) {
      out.addAll(e.problems());
      throw new PolicyException(out.list());
    }
  }

  /** Returns {@code sha256:} and the first 12 hex digits of the document's SHA-256. */
  static String digest(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "sha256:" + HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
