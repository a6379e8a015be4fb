package dev.remit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the audit trail, as it reaches an {@link dev.remit.spi.AuditSink}: already redacted
 * (see {@link AuditTrail.Builder#redact}). Every decision yields one {@link DecisionRecord}; every
 * call run through a {@link Guard} yields one {@link OutcomeRecord} linked to it by decision id;
 * everything that creates, changes or removes authority (a grant issued or refused, revoked or
 * expired, an approval, a policy swap, new entitlements, an agent suspended, resumed or revoked)
 * yields an {@link AuthorityRecord}.
 *
 * <p>The JSON form of each record is documented field by field in {@code docs/audit.md}.
 */
public sealed interface AuditRecord
    permits AuditRecord.DecisionRecord, AuditRecord.OutcomeRecord, AuditRecord.AuthorityRecord {

  /** Returns the record type as written to logs: {@code decision}, {@code outcome}, {@code authority}. */
  String kind();

  /** Returns when the event happened. */
  Instant time();

  /**
   * A decision: who asked for which call, on whose authority, and what Remit answered.
   *
   * @param time evaluation time of the decision
   * @param decisionId the decision's id
   * @param outcome ALLOW, DENY or REQUIRE_APPROVAL
   * @param reasons the reason codes, in order
   * @param subject acting identity as given in the request (agent or component), may be null
   * @param agent top-level agent the subject is or belongs to, or null if unknown
   * @param component the subject when it is a component of {@code agent}, else null
   * @param task task id from {@code context.task}, or null
   * @param grant id of the grant that matched (or came closest), or null
   * @param chain the delegation chain up to the original principal, or null
   * @param invoker who invoked the agent ({@code context.invoker}), or null
   * @param intentDigest {@code sha256:<hex>} of the intent text ({@code context.intent}), or null
   * @param intent the raw intent text, only when the host opted in, else null
   * @param tool tool name
   * @param operation tool operation
   * @param resource resource id
   * @param resourceType resource type, or null
   * @param args the arguments after redaction (empty when arguments are not recorded)
   * @param argsDigest {@code sha256:<hex>} of the canonical form of the unredacted arguments
   * @param context other request context entries, after redaction
   * @param policyVersion version of the policy in force
   * @param revision runtime-state revision the decision saw
   * @param cached whether the decision came from the decision cache
   * @param latencyNanos time spent in {@link Remit#authorize}, in nanoseconds
   * @param obligations obligations of the decision
   * @param approval id of the approval used, or null
   * @param traceparent W3C trace context ({@code context.traceparent}), or null
   */
  record DecisionRecord(
      Instant time, String decisionId, Outcome outcome, List<ReasonCode> reasons, String subject,
      String agent, String component, String task, String grant, DelegationChain chain,
      String invoker, String intentDigest, String intent, String tool, String operation,
      String resource, String resourceType, Map<String, Object> args, String argsDigest,
      Map<String, Object> context, String policyVersion, long revision, boolean cached,
      long latencyNanos, List<Obligation> obligations, String approval, String traceparent)
      implements AuditRecord {
    public DecisionRecord {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(outcome, "outcome");
      reasons = List.copyOf(reasons);
      args = args == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
      context = context == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(context));
      obligations = List.copyOf(obligations);
      Objects.requireNonNull(argsDigest, "argsDigest");
      Objects.requireNonNull(policyVersion, "policyVersion");
      if (latencyNanos < 0) {
        throw new IllegalArgumentException("latencyNanos must not be negative, was " + latencyNanos);
      }
    }

    @Override
    public String kind() {
      return "decision";
    }
  }

  /** What became of a call after its decision. */
  enum Status {
    /** The tool ran and returned normally. */
    SUCCEEDED,
    /** The tool ran and threw. */
    FAILED,
    /** The tool did not run: the arguments to execute differed from the authorized ones. */
    BLOCKED_ARGUMENT_MISMATCH,
    /** The tool did not run: the credential its grant declares could not be minted. */
    BLOCKED_NO_CREDENTIAL
  }

  /**
   * The outcome of one call, linked to its decision by {@code decisionId}.
   *
   * @param time when the call finished (or was blocked)
   * @param decisionId id of the decision that authorized the call
   * @param status succeeded, failed or blocked
   * @param subject acting identity
   * @param tool tool name
   * @param operation tool operation
   * @param resource resource id
   * @param argsDigest {@code sha256:<hex>} of the arguments authorized
   * @param executedArgsDigest {@code sha256:<hex>} of the arguments executed (or that were about to be)
   * @param durationNanos how long the tool ran, 0 if it did not
   * @param changes what the tool reported it changed, after redaction
   * @param credentials ids of credentials issued for the call (never secrets)
   * @param error exception class and message when the tool failed, else null
   * @param refunded whether the call budget charged by the decision was released
   * @param traceparent W3C trace context of the request, or null
   */
  record OutcomeRecord(
      Instant time, String decisionId, Status status, String subject, String tool, String operation,
      String resource, String argsDigest, String executedArgsDigest, long durationNanos,
      Map<String, Object> changes, List<String> credentials, String error, boolean refunded,
      String traceparent) implements AuditRecord {
    public OutcomeRecord {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(decisionId, "decisionId");
      Objects.requireNonNull(status, "status");
      changes = changes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(changes));
      credentials = List.copyOf(credentials);
    }

    @Override
    public String kind() {
      return "outcome";
    }
  }

  /**
   * A change of authority: who created, changed or removed which authority, when, and what it
   * was. Nothing else in the log says what a grant allowed or who approved a call, so
   * {@code remit audit trace} reads these to show, for every decision, the scope of each grant in
   * its chain, who issued it, whether it was revoked, and the approval used.
   *
   * <p>The {@code action} names what happened and fixes the {@code target} kind:
   *
   * <table>
   * <caption>actions</caption>
   * <tr><th>action</th><th>target</th><th>actor</th><th>details</th></tr>
   * <tr><td>{@value #ISSUE_GRANT}</td><td>grant</td><td>the principal (root grant) or the delegating agent (sub-grant)</td><td>the grant's full content and {@code issued_by}</td></tr>
   * <tr><td>{@value #REFUSE_GRANT}</td><td>grant</td><td>who tried to issue it</td><td>the grant as asked for and the {@code reason}</td></tr>
   * <tr><td>{@value #REVOKE_GRANT}</td><td>grant</td><td>{@value #HOST}</td><td>none</td></tr>
   * <tr><td>{@value #EXPIRE_GRANT}</td><td>grant</td><td>{@value #DECISION_POINT}</td><td>{@code expires_at}</td></tr>
   * <tr><td>{@value #APPROVE}</td><td>approval</td><td>the approver</td><td>approver, role, subject, tool, operation, resource, bound attributes, issued_at, expires_at, uses</td></tr>
   * <tr><td>{@value #SWAP_POLICY}</td><td>policy</td><td>{@value #HOST}</td><td>old and new version, source</td></tr>
   * <tr><td>{@value #REFUSE_POLICY}</td><td>policy</td><td>{@value #HOST}</td><td>old and new version, source, {@code reason}</td></tr>
   * <tr><td>{@value #SET_ENTITLEMENTS}</td><td>principal</td><td>{@value #HOST}</td><td>the new {@code scopes}</td></tr>
   * <tr><td>{@value #SUSPEND_AGENT}, {@value #RESUME_AGENT}, {@value #REVOKE_AGENT}</td><td>agent</td><td>{@value #HOST}</td><td>none</td></tr>
   * </table>
   *
   * <p>{@code dev.remit.internal.audit.AuthorityRecords} builds each of them;
   * {@code dev.remit.internal.audit.AuthorityDetails} turns grants, scopes and approvals into details.
   *
   * @param time when the change took effect (the decision point's clock)
   * @param seq the sequence number the decision point gave the change, or -1 when it has none (a
   *     refused change, or one whose number was not reported); written as {@code change_seq}
   * @param action what happened: one of {@link #ACTIONS}
   * @param actor who did it: a principal or agent id, an approver, {@value #HOST} (the host
   *     application) or {@value #DECISION_POINT} (Remit itself, e.g. an expiry)
   * @param target the kind of thing changed: {@code grant}, {@code agent}, {@code principal},
   *     {@code policy} or {@code approval}; fixed by the action ({@link #targetOf})
   * @param id the grant, agent, principal or approval id, or the policy version
   * @param affected ids whose authority the change cut off (a revoked grant and its
   *     descendants), may be empty
   * @param details what the authority is or was: JSON-like values only (strings, numbers,
   *     booleans, null, lists, and maps with string keys), deep-copied and unmodifiable
   */
  record AuthorityRecord(Instant time, long seq, String action, String actor, String target, String id,
      List<String> affected, Map<String, Object> details) implements AuditRecord {
    /** A grant was issued (root or sub-grant). */
    public static final String ISSUE_GRANT = "issue-grant";
    /** A grant was asked for and refused; nothing was issued. */
    public static final String REFUSE_GRANT = "refuse-grant";
    /** A grant was revoked, and with it its descendants. */
    public static final String REVOKE_GRANT = "revoke-grant";
    /** A grant reached its expiry and was let go. */
    public static final String EXPIRE_GRANT = "expire-grant";
    /** A human approved one exact call. */
    public static final String APPROVE = "approve";
    /** A new policy was installed. */
    public static final String SWAP_POLICY = "swap-policy";
    /** A policy was rejected; the old one stays in force. */
    public static final String REFUSE_POLICY = "refuse-policy";
    /** A principal's entitlements were replaced. */
    public static final String SET_ENTITLEMENTS = "set-entitlements";
    /** An agent was suspended. */
    public static final String SUSPEND_AGENT = "suspend-agent";
    /** A suspended agent was made active again. */
    public static final String RESUME_AGENT = "resume-agent";
    /** An agent was revoked for good. */
    public static final String REVOKE_AGENT = "revoke-agent";
    /** Every action, in the order of the table above. */
    public static final List<String> ACTIONS = List.of(ISSUE_GRANT, REFUSE_GRANT, REVOKE_GRANT, EXPIRE_GRANT,
        APPROVE, SWAP_POLICY, REFUSE_POLICY, SET_ENTITLEMENTS, SUSPEND_AGENT, RESUME_AGENT, REVOKE_AGENT);

    /** Target: a grant. */
    public static final String GRANT = "grant";
    /** Target: an agent. */
    public static final String AGENT = "agent";
    /** Target: a principal. */
    public static final String PRINCIPAL = "principal";
    /** Target: the policy (the id is its version). */
    public static final String POLICY = "policy";
    /** Target: an approval. */
    public static final String APPROVAL = "approval";

    /** Actor: the host application (it called the change method). */
    public static final String HOST = "host";
    /** Actor: the decision point itself (e.g. it let an expired grant go). */
    public static final String DECISION_POINT = "remit";

    /** Deepest nesting accepted in {@code details}; deeper is refused (and so is a cycle). */
    static final int MAX_DEPTH = 32;

    public AuthorityRecord {
      Objects.requireNonNull(time, "time");
      if (seq < -1) {
        throw new IllegalArgumentException("seq must be -1 (none) or a sequence number, was " + seq);
      }
      Objects.requireNonNull(action, "action");
      String expected = targetOf(action);
      Objects.requireNonNull(target, "target");
      if (!expected.equals(target)) {
        throw new IllegalArgumentException("action " + action + " applies to a " + expected + ", not a " + target);
      }
      Objects.requireNonNull(actor, "actor");
      if (actor.isBlank()) {
        throw new IllegalArgumentException("actor must not be blank");
      }
      Objects.requireNonNull(id, action + ": id");
      affected = List.copyOf(affected);
      details = details == null ? Map.of() : jsonMap(details, "details", 0);
    }

    /**
     * Returns the target kind an action applies to.
     *
     * @throws IllegalArgumentException if {@code action} is not one of {@link #ACTIONS}
     */
    public static String targetOf(String action) {
      switch (action) {
        case ISSUE_GRANT:
        case REFUSE_GRANT:
        case REVOKE_GRANT:
        case EXPIRE_GRANT:
          return GRANT;
        case APPROVE:
          return APPROVAL;
        case SWAP_POLICY:
        case REFUSE_POLICY:
          return POLICY;
        case SET_ENTITLEMENTS:
          return PRINCIPAL;
        case SUSPEND_AGENT:
        case RESUME_AGENT:
        case REVOKE_AGENT:
          return AGENT;
        default:
          throw new IllegalArgumentException("unknown authority action '" + action + "'; one of " + ACTIONS);
      }
    }

    @Override
    public String kind() {
      return "authority";
    }

    private static Map<String, Object> jsonMap(Map<?, ?> m, String path, int depth) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException(path + ": key " + e.getKey() + " is not a string");
        }
        String k = (String) e.getKey();
        out.put(k, json(e.getValue(), path + "." + k, depth + 1));
      }
      return Collections.unmodifiableMap(out);
    }

    private static Object json(Object v, String path, int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException(path + ": nested deeper than " + MAX_DEPTH + " (or a cycle)");
      }
      if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
          || v instanceof Short || v instanceof Byte || v instanceof Double || v instanceof Float
          || v instanceof BigDecimal || v instanceof BigInteger) {
        return v;
      }
      if (v instanceof Map) {
        return jsonMap((Map<?, ?>) v, path, depth);
      }
      if (v instanceof List) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (Object x : (List<?>) v) {
          out.add(json(x, path + "[" + i++ + "]", depth + 1));
        }
        return Collections.unmodifiableList(out);
      }
      throw new IllegalArgumentException(path + ": a " + v.getClass().getName() + " is not a JSON value"
          + " (strings, numbers, booleans, null, lists and maps with string keys only)");
    }
  }
}
