package dev.remit;

import dev.remit.internal.authzen.AuthZenCodec;
import java.util.List;
import java.util.Objects;

/**
 * Conversion between Remit's {@link Request}/{@link Decision} and the JSON of the OpenID AuthZEN
 * Authorization API 1.0 (access evaluation and access evaluations), so that a host can put Remit
 * behind an AuthZEN endpoint or feed it requests written by other tools.
 *
 * <pre>{@code
 * Request r = AuthZen.parseRequest(body);     // {"subject":{...},"action":{...},"resource":{...}}
 * String answer = AuthZen.toJson(remit.authorize(r));
 * // or, single or batch alike:
 * String answer = AuthZen.evaluate(remit, body, false);
 * }</pre>
 *
 * <p><b>Mapping</b> (full tables in {@code docs/authzen.md}): {@code subject.id} is the acting agent
 * or component ({@code subject.type} is written as {@code "agent"}; any type is accepted on input,
 * {@code subject.properties} are ignored because an agent's attributes come from the policy, never
 * from the caller); {@code action.name} is the operation, {@code action.properties.tool} the tool and
 * {@code action.properties.args} the call's arguments; {@code resource.id}, {@code resource.type}
 * and {@code resource.properties} map to the request's resource, resource type and resource
 * properties; {@code context} is the request context. Integers become {@link Long} (or
 * {@link java.math.BigInteger} past its range), decimals {@link Double} when a double holds
 * exactly that decimal (e.g. {@code 12.5}, {@code 0.1} as its shortest text), otherwise
 * {@link java.math.BigDecimal} (more digits than a double carries, or past its range), so no
 * decimal is rounded on its way to a constraint.
 *
 * <p><b>Errors.</b> Parsing throws {@link IllegalArgumentException} only when the text itself is
 * unusable: not JSON, not a JSON object, a key given twice, trailing data, or (for batches) a
 * malformed {@code evaluations} array or {@code options}; the message says what and where. A
 * missing or wrongly typed part of a request never throws: it becomes null so that
 * {@link Remit#authorize} denies the request with {@link ReasonCode#MALFORMED_REQUEST};
 * {@link #problems} lists every such part by its JSON path.
 *
 * <p><b>Responses.</b> {@code decision} is {@code true} only for {@link Outcome#ALLOW}; a
 * {@link Outcome#REQUIRE_APPROVAL} is {@code false} (the call must not go forward yet) with the
 * approval obligation in {@code context}. Bare responses ({@code {"decision":true}}) are for
 * interoperability harnesses that compare output byte for byte.
 *
 * <p>All methods are thread-safe and static.
 */
public final class AuthZen {
  private AuthZen() {}

  /** How much of a decision a response discloses. */
  public enum Disclosure {
    /**
     * What the agent (and so the model) may read, the default: outcome, decision id, reason codes
     * with their agent texts, the approver role of an approval obligation. No identities, rule
     * ids, grants, chains, limits or credential inventories.
     */
    AGENT,
    /**
     * The operator's full story: operator and agent texts of every reason, every obligation with
     * all its attributes, subject, agent, grant, delegation chain, approval, policy version and
     * state revision. For trusted callers (a gateway's own logs, the CLI, test runners).
     */
    OPERATOR
  }

  /**
   * A parsed AuthZEN access evaluations request.
   *
   * @param requests the effective request of each item, top-level defaults applied, in order
   * @param semantic the {@code options.evaluations_semantic} ({@link BatchSemantic#EXECUTE_ALL} if
   *     absent)
   * @param single true when the body had no {@code evaluations} array or an empty one: it is one
   *     evaluation, answered with a single {@code {"decision":...}} rather than an
   *     {@code evaluations} array
   */
  public record Batch(List<Request> requests, BatchSemantic semantic, boolean single) {
    public Batch {
      requests = List.copyOf(Objects.requireNonNull(requests, "requests"));
      Objects.requireNonNull(semantic, "semantic");
      if (single && requests.size() != 1) {
        throw new IllegalArgumentException("a single evaluation has exactly one request, got "
            + requests.size());
      }
    }
  }

  /**
   * Returns the request in an AuthZEN access evaluation body. Missing or wrongly typed parts are
   * null in the result (and denied by {@link Remit#authorize} as malformed).
   *
   * @throws IllegalArgumentException if {@code json} is not one JSON object (syntax error, empty,
   *     a duplicate key, trailing data, or another JSON type at the top level)
   */
  public static Request parseRequest(String json) {
    return AuthZenCodec.parseRequest(json);
  }

  /**
   * Returns the requests in an AuthZEN access evaluations body. The top-level {@code subject},
   * {@code action}, {@code resource} and {@code context} are defaults; an item's own key replaces
   * the default whole (no deep merge), except that an item's {@code subject}/{@code resource}
   * lacking {@code type} or {@code id}, or {@code action} lacking {@code name}, takes that field from
   * the default. An item that is not an object yields a request that is denied as malformed.
   *
   * @throws IllegalArgumentException if the text is not one JSON object, {@code evaluations} is
   *     present but not an array, or {@code options.evaluations_semantic} is not one of
   *     {@code execute_all}, {@code deny_on_first_deny}, {@code permit_on_first_permit}
   */
  public static Batch parseEvaluations(String json) {
    return AuthZenCodec.parseBatch(json);
  }

  /**
   * Returns what an access evaluation or evaluations body lacks or has wrongly typed, against
   * AuthZEN 1.0 ({@code subject}/{@code resource} with string {@code type} and {@code id},
   * {@code action} with a string {@code name}, object {@code properties} and {@code context}) and
   * Remit's mapping ({@code action.properties.tool} string, {@code action.properties.args}
   * object): one message per problem naming its JSON path, such as
   * {@code "subject.type is missing"} or {@code "evaluations[1].resource must be an object, was
   * string"}; empty when there is none. Batch items are checked after defaults are applied.
   *
   * <p>{@link #parseRequest} never needs this (a request with problems is denied as malformed);
   * it is for hosts that answer such a request with an error, as an AuthZEN endpoint must with
   * HTTP 400 for a single evaluation, and for tools that explain what is wrong.
   *
   * @throws IllegalArgumentException as {@link #parseEvaluations} does
   */
  public static List<String> problems(String json) {
    return AuthZenCodec.problems(json);
  }

  /**
   * Returns the AuthZEN access evaluation body of a request, the inverse of
   * {@link #parseRequest}: {@code parseRequest(toJson(r)).equals(r)} for every request whose
   * values are what parsing produces (strings, {@link Long}/{@link java.math.BigInteger},
   * {@link Double}/{@link java.math.BigDecimal}, booleans, null, lists, maps); an {@link Integer}
   * comes back as a {@link Long}, which decides the same. Other objects are written as their
   * {@code toString()}. Null parts are left out.
   */
  public static String toJson(Request request) {
    return AuthZenCodec.toJson(Objects.requireNonNull(request, "request"));
  }

  /**
   * Returns the agent-facing AuthZEN response of a decision ({@link Disclosure#AGENT}), compact,
   * keys in a fixed order: {@code {"decision":bool,"context":{"id","outcome","reason_codes",
   * "reasons","obligations","evaluated_at"}}}.
   */
  public static String toJson(Decision decision) {
    return toJson(decision, Disclosure.AGENT);
  }

  /**
   * Returns the AuthZEN response of a decision at the given disclosure. With
   * {@link Disclosure#OPERATOR}: {@code {"decision":bool,"context":{"id","outcome","reason_codes",
   * "reasons" (code, message, agent_message),"obligations","subject","agent","grant","chain",
   * "approval","policy_version","revision","evaluated_at"}}}; null parts are left out.
   */
  public static String toJson(Decision decision, Disclosure disclosure) {
    return AuthZenCodec.toJson(Objects.requireNonNull(decision, "decision"),
        Objects.requireNonNull(disclosure, "disclosure") == Disclosure.OPERATOR);
  }

  /** Returns exactly {@code {"decision":true}} for an ALLOW and {@code {"decision":false}} otherwise. */
  public static String toBareJson(Decision decision) {
    return AuthZenCodec.toBareJson(Objects.requireNonNull(decision, "decision"));
  }

  /**
   * Returns the AuthZEN access evaluations response {@code {"evaluations":[...]}} of decisions in
   * order; each item bare ({@code {"decision":true}}) when {@code bare}, otherwise as in
   * {@link #toJson(Decision)} (agent-facing).
   */
  public static String toJson(List<Decision> decisions, boolean bare) {
    return toJson(decisions, bare, Disclosure.AGENT);
  }

  /** Like {@link #toJson(List, boolean)}, at the given disclosure. */
  public static String toJson(List<Decision> decisions, boolean bare, Disclosure disclosure) {
    Objects.requireNonNull(decisions, "decisions");
    Objects.requireNonNull(disclosure, "disclosure");
    for (Decision d : decisions) {
      Objects.requireNonNull(d, "decision in list");
    }
    return AuthZenCodec.toJson(decisions, bare, disclosure == Disclosure.OPERATOR);
  }

  /**
   * Returns the decision in a response written by {@link #toJson(Decision, Disclosure)} with
   * {@link Disclosure#OPERATOR} (for tools that read decisions back, such as test runners).
   *
   * @throws IllegalArgumentException if the text is not such a response (a bare or agent-facing
   *     response carries too little to rebuild a decision)
   */
  public static Decision parseDecision(String json) {
    return AuthZenCodec.parseDecision(json);
  }

  /**
   * Returns the AuthZEN response to an access evaluation or access evaluations body, evaluated by
   * {@code authorizer} (agent-facing): {@code {"decision":...}} for a single evaluation (no or empty
   * {@code evaluations}), otherwise {@code {"evaluations":[...]}} in request order, truncated after
   * the deciding item under {@code deny_on_first_deny} and {@code permit_on_first_permit}.
   *
   * @throws IllegalArgumentException as {@link #parseEvaluations} does; evaluation itself never
   *     throws
   */
  public static String evaluate(Authorizer authorizer, String json, boolean bare) {
    return evaluate(authorizer, json, bare, Disclosure.AGENT);
  }

  /** Like {@link #evaluate(Authorizer, String, boolean)}, answering at the given disclosure. */
  public static String evaluate(Authorizer authorizer, String json, boolean bare, Disclosure disclosure) {
    Objects.requireNonNull(authorizer, "authorizer");
    Objects.requireNonNull(disclosure, "disclosure");
    Batch b = parseEvaluations(json);
    List<Decision> decisions = authorizer.authorizeAll(b.requests(), b.semantic());
    if (b.single()) {
      return bare ? toBareJson(decisions.get(0)) : toJson(decisions.get(0), disclosure);
    }
    return toJson(decisions, bare, disclosure);
  }
}
