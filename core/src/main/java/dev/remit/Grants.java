package dev.remit;

import dev.remit.internal.policy.GrantReader;
import dev.remit.internal.policy.GrantWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The grant part of the policy format ({@code docs/policy-format.md}) as a codec of its own: reads a
 * grant, a list of scopes (entitlements), an instant or a duration written as in a policy document,
 * from text or from values already parsed, and writes grants and scopes back. A host that takes
 * grants from elsewhere than a policy file — an admin API, a test suite, a queue — reads them with
 * exactly the checks and messages the policy loader applies, because it is the loader's own mapping.
 *
 * <pre>{@code
 * Grant.Builder g = Grants.parseGrant(body, "POST /grants", "", remit.policy());
 * remit.issue(g);                                   // a ttl is resolved against remit's clock
 * String stored = Grants.toJson(remit.grant("g-42")); // and back: parseGrant(stored, ...) builds an equal grant
 * }</pre>
 *
 * <p><b>Form.</b> A grant has the keys of an entry under {@code grants:} in a policy document, plus
 * {@code ttl}: an ISO-8601 lifetime from issuance ({@code PT30M}), given instead of
 * {@code expires_at} (exactly one of the two), which {@link Grant.Builder#build(Instant)} and
 * {@link Remit#issue(Grant.Builder)} resolve. A scope is {@code {tools, operations, resources,
 * constraints?}}. Scalars are read as written, as in a document.
 *
 * <p><b>Text and values.</b> The {@code parse} methods read YAML or JSON text, with the format
 * chosen as {@link Policy#parse} chooses it (by the extension of {@code sourceName}, else JSON when
 * the first non-blank character is <code>{</code>), under the same limits and defences: at most
 * 16 MiB, 32 levels of nesting, no duplicate keys, no YAML anchors or aliases. The {@code read}
 * methods take what a JSON or YAML library already produced: {@link java.util.Map}s with string
 * keys, {@link java.util.List}s (any collection, or an array), strings, numbers and booleans (read
 * as their text), null (absent), and {@link Instant}, {@link java.time.OffsetDateTime},
 * {@link java.time.ZonedDateTime}, {@link java.util.Date}, {@link Duration},
 * {@link java.time.LocalTime}, {@link java.time.ZoneId} and {@link java.time.DayOfWeek} as their
 * ISO-8601 or id text. The same limits apply (16 Mi characters in all, 32 levels, which also stops
 * a map that contains itself); a value of any other type is a problem where it stands, never an
 * exception.
 *
 * <p><b>Problems.</b> Every method throws one {@link PolicyException} listing <em>every</em>
 * problem found, each with {@code sourceName} as its source and a path that starts with
 * {@code basePath} (the fragment's place in the caller's document; {@code ""} when the fragment is
 * the document), so that a problem reads like the policy loader's:
 * {@code suite.yaml: cases[3].steps[0].issue_grant.scopes[0].tools[1]: tool 'paymnts' is not in the
 * catalog (did you mean 'payments'?)}. When a {@code policy} is given, every scope is also checked
 * against its tool catalog (tool patterns must match a tool, named operations must be operations of
 * a matching tool); without one, that is left to {@link Remit#issue} and
 * {@link Remit#restrictEntitlements}, which check it against the policy in force. Whether the
 * holder, principal and parent exist is always theirs to check.
 *
 * <p>All methods are static and thread-safe.
 */
public final class Grants {
  private Grants() {}

  /**
   * Returns the grant written in {@code text} (YAML or JSON) as a builder that builds without error
   * (with {@link Grant.Builder#build()} if it gives {@code expires_at}, with
   * {@link Grant.Builder#build(Instant)} or {@link Remit#issue(Grant.Builder)} either way).
   *
   * @param sourceName names the text in problems and chooses its format
   * @param basePath the path of the grant in problems, e.g. {@code grants[2]}; {@code ""} for none
   * @param policy the policy whose catalog scopes must fit, or null not to check them against one
   * @throws PolicyException listing every problem of the text
   */
  public static Grant.Builder parseGrant(String text, String sourceName, String basePath, Policy policy) {
    return GrantReader.parseGrant(text, sourceName, basePath, policy);
  }

  /**
   * Returns the grant {@code value} holds (a map, as a JSON or YAML library parses it) as a builder
   * that builds without error; see {@link #parseGrant}.
   *
   * @throws PolicyException listing every problem of the value
   */
  public static Grant.Builder readGrant(Object value, String sourceName, String basePath, Policy policy) {
    return GrantReader.readGrant(value, sourceName, basePath, policy);
  }

  /**
   * Returns the scopes of the list written in {@code text}, such as a principal's entitlements; the
   * list may be empty. Problems of the i-th scope are at {@code basePath[i]}.
   *
   * @throws PolicyException listing every problem of the text
   */
  public static List<Scope> parseScopes(String text, String sourceName, String basePath, Policy policy) {
    return GrantReader.parseScopes(text, sourceName, basePath, policy);
  }

  /**
   * Returns the scopes of the list {@code value} holds; see {@link #parseScopes}.
   *
   * @throws PolicyException listing every problem of the value
   */
  public static List<Scope> readScopes(Object value, String sourceName, String basePath, Policy policy) {
    return GrantReader.readScopes(value, sourceName, basePath, policy);
  }

  /**
   * Returns the instant {@code value} writes as a policy document writes one: ISO-8601 with
   * {@code Z} or an offset ({@code 2026-11-23T18:00:00Z}, {@code 2026-11-23T19:00:00+01:00}).
   *
   * @param path the path of the value in problems
   * @throws PolicyException if it is not one, or not a string
   */
  public static Instant readInstant(Object value, String sourceName, String path) {
    return GrantReader.readInstant(value, sourceName, path);
  }

  /**
   * Returns the positive ISO-8601 duration {@code value} writes ({@code PT5M}, {@code P1D}), as a
   * policy document writes a credential's ttl.
   *
   * @param path the path of the value in problems
   * @throws PolicyException if it is not one (zero and negative durations included), or not a string
   */
  public static Duration readDuration(Object value, String sourceName, String path) {
    return GrantReader.readDuration(value, sourceName, path);
  }

  /**
   * Returns {@code grant} as one compact JSON object in document form: keys in the order the policy
   * format lists them, absent parts left out, {@code expires_at} always given. Reading it back with
   * {@link #parseGrant} builds a grant equal to {@code grant}.
   */
  public static String toJson(Grant grant) {
    return GrantWriter.grant(Objects.requireNonNull(grant, "grant"));
  }

  /**
   * Returns {@code scopes} as one compact JSON array in document form; {@link #parseScopes} reads
   * back an equal list.
   */
  public static String toJson(List<Scope> scopes) {
    return GrantWriter.scopes(List.copyOf(Objects.requireNonNull(scopes, "scopes")));
  }
}
