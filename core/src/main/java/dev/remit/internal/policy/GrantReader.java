package dev.remit.internal.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remit.Grant;
import dev.remit.Policy;
import dev.remit.PolicyException;
import dev.remit.Scope;
import dev.remit.Tool;
import dev.remit.internal.policy.PolicyNodes.Item;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Reads grants, lists of scopes, instants and durations outside a policy document, from text (YAML
 * or JSON) or from values already parsed, with the policy document's own mapping
 * ({@link GrantDocument}) and limits. Behind {@link dev.remit.Grants}; problems name the caller's
 * source and are placed under the caller's base path, and all of them are thrown together.
 */
public final class GrantReader {
  private static final String GRANT = "a grant: a map with keys such as id, holder, scopes and expires_at";
  private static final String SCOPES = "a list of scopes, each a map with tools, operations and resources";

  private GrantReader() {}

  /** Returns the grant {@code text} holds. */
  public static Grant.Builder parseGrant(String text, String source, String base, Policy policy) {
    return read("grant", fromText(text, source, base, GRANT), policy, GrantReader::grant);
  }

  /** Returns the grant {@code value} (a map) holds. */
  public static Grant.Builder readGrant(Object value, String source, String base, Policy policy) {
    return read("grant", fromValue(value, source, base), policy, GrantReader::grant);
  }

  /** Returns the scopes {@code text} (a list) holds. */
  public static List<Scope> parseScopes(String text, String source, String base, Policy policy) {
    return read("list of scopes", fromText(text, source, base, SCOPES), policy, GrantReader::scopes);
  }

  /** Returns the scopes {@code value} (a list) holds. */
  public static List<Scope> readScopes(Object value, String source, String base, Policy policy) {
    return read("list of scopes", fromValue(value, source, base), policy, GrantReader::scopes);
  }

  /** Returns the instant {@code value} writes. */
  public static Instant readInstant(Object value, String source, String path) {
    return read("instant", fromValue(value, source, path), null, (g, t) -> {
      String s = scalar(t);
      return s == null ? null : g.instant(s, t.path());
    });
  }

  /** Returns the positive duration {@code value} writes. */
  public static Duration readDuration(Object value, String source, String path) {
    return read("duration", fromValue(value, source, path), null, (g, t) -> {
      String s = scalar(t);
      return s == null ? null : g.duration(s, t.path());
    });
  }

  /** A tree to map, with the problems found so far. */
  private record Tree(JsonNode root, String path, PolicyProblems out) {}

  private static Tree fromText(String text, String source, String base, String fragment) {
    Objects.requireNonNull(text, "text");
    PolicyProblems out = new PolicyProblems(Objects.requireNonNull(source, "sourceName"));
    Objects.requireNonNull(base, "basePath");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > PolicySyntax.MAX_BYTES) {
      out.add(base, "the text is larger than 16 MiB", "split it, or remove what it does not need");
      return new Tree(null, base, out);
    }
    return new Tree(PolicySyntax.parse(bytes, PolicySyntax.looksLikeJson(source, bytes), base, fragment, out),
        base, out);
  }

  private static Tree fromValue(Object value, String source, String base) {
    PolicyProblems out = new PolicyProblems(Objects.requireNonNull(source, "sourceName"));
    Objects.requireNonNull(base, "basePath");
    return new Tree(PolicyValues.tree(value, base, out), base, out);
  }

  /** Maps the tree; throws every problem, of reading and of mapping, together. */
  private static <T> T read(String what, Tree t, Policy policy, BiFunction<GrantDocument, Tree, T> mapping) {
    if (t.root() == null) {
      throw new PolicyException(what, t.out().list());
    }
    Collection<Tool> catalog = policy == null ? null : policy.tools();
    T result = mapping.apply(new GrantDocument(new PolicyNodes(t.out()), catalog), t);
    if (t.out().count() > 0 || result == null) {
      if (t.out().count() == 0) {
        // every null result is reported; should one ever not be, the caller still gets no value
        t.out().add(t.path(), "cannot be read", null);
      }
      throw new PolicyException(what, t.out().list());
    }
    return result;
  }

  private static Grant.Builder grant(GrantDocument g, Tree t) {
    return g.grant(new Item(t.root(), t.path()), true);
  }

  private static List<Scope> scopes(GrantDocument g, Tree t) {
    JsonNode v = t.root();
    if (!v.isArray()) {
      t.out().add(t.path(), "expected a list of scopes, got " + PolicyNodes.kind(v), null);
      return null;
    }
    List<Item> items = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      items.add(new Item(v.get(i), t.path() + "[" + i + "]"));
    }
    return List.copyOf(g.scopes(items));
  }

  private static String scalar(Tree t) {
    if (t.root().isNull()) {
      t.out().add(t.path(), "expected a string, got null", null);
      return null;
    }
    return new PolicyNodes(t.out()).scalar(t.root(), t.path());
  }
}
