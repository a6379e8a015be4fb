package dev.remit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the audit trail, as it reaches an {@link dev.remit.spi.AuditSink}: already redacted
 * (see {@link AuditTrail.Builder#redact}). Every decision yields one {@link DecisionRecord}; every
 * call run through a {@link Guard} yields one {@link OutcomeRecord} linked to it by decision id;
 * revoking a grant or suspending/revoking an agent yields a {@link RevocationRecord}.
 *
 * <p>The JSON form of each record is documented field by field in {@code docs/audit.md}.
 */
public sealed interface AuditRecord
    permits AuditRecord.DecisionRecord, AuditRecord.OutcomeRecord, AuditRecord.RevocationRecord {

  /** Returns the record type as written to logs: {@code decision}, {@code outcome}, {@code revocation}. */
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
   * A revocation or suspension, so that investigations can flag activity after it.
   *
   * @param time when it took effect
   * @param target {@code grant} or {@code agent}
   * @param id the grant or agent id
   * @param action {@code revoke-grant}, {@code suspend-agent}, {@code revoke-agent}
   * @param affected ids cut off by the change (the grant and its descendants), may be empty
   */
  record RevocationRecord(Instant time, String target, String id, String action, List<String> affected)
      implements AuditRecord {
    public RevocationRecord {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(action, "action");
      affected = List.copyOf(affected);
    }

    @Override
    public String kind() {
      return "revocation";
    }
  }
}
