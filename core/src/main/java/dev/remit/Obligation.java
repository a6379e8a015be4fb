package dev.remit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something the host must do with a decision before or while the call runs. A closed set:
 * {@link ApprovalNeeded} (ask a human holding a role), {@link MintCredential} (mint a short-lived
 * credential scoped by the decision) and {@link Custom} (an obligation a decision stage added).
 *
 * <p>Every obligation also has a wire form, {@link #type()} and {@link #attributes()}, used in
 * AuthZEN responses and audit records: {@code approval} with {@code rule}, {@code approver_role}
 * and {@code description}; {@code mint-credential} with {@code audience}, {@code scopes}
 * (space-separated), {@code ttl_seconds} and {@code grant}; a custom type with its own attributes.
 */
public sealed interface Obligation permits Obligation.ApprovalNeeded, Obligation.MintCredential, Obligation.Custom {
  /** Wire type of {@link ApprovalNeeded}. */
  String APPROVAL = "approval";
  /** Wire type of {@link MintCredential}. */
  String MINT_CREDENTIAL = "mint-credential";

  /** Returns the wire type. */
  String type();

  /** Returns the wire attributes (a new read-only map on each call). */
  Map<String, String> attributes();

  /**
   * A human holding {@code approverRole} must approve this exact call ({@link Remit#approve})
   * before it may run.
   *
   * @param rule the id of the require-approval rule, or {@code stage:<name>} for a decision stage
   * @param approverRole the role the approver must hold
   * @param description the rule's description for the approver, or null
   */
  record ApprovalNeeded(String rule, String approverRole, String description) implements Obligation {
    public ApprovalNeeded {
      Objects.requireNonNull(rule, "rule");
      Names.requireId(approverRole, "approver role");
    }

    @Override
    public String type() {
      return APPROVAL;
    }

    @Override
    public Map<String, String> attributes() {
      Map<String, String> a = new LinkedHashMap<>();
      a.put("rule", rule);
      a.put("approver_role", approverRole);
      if (description != null) {
        a.put("description", description);
      }
      return java.util.Collections.unmodifiableMap(a);
    }
  }

  /**
   * The host (or the configured {@link dev.remit.spi.CredentialBroker}) should mint a short-lived
   * credential for this call: for {@code audience}, with {@code scopes}, living at most {@code ttl}
   * (already bounded by the earliest expiry in the delegation chain).
   *
   * @param audience the service the credential is for
   * @param scopes the scopes to put in it
   * @param ttl how long it may live, at least one second
   * @param grant the id of the grant the call was allowed by
   */
  record MintCredential(String audience, List<String> scopes, Duration ttl, String grant) implements Obligation {
    public MintCredential {
      Names.requireId(audience, "credential audience");
      scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("credential ttl must be positive, was " + ttl);
      }
      Objects.requireNonNull(grant, "grant");
    }

    @Override
    public String type() {
      return MINT_CREDENTIAL;
    }

    @Override
    public Map<String, String> attributes() {
      Map<String, String> a = new LinkedHashMap<>();
      a.put("audience", audience);
      a.put("scopes", String.join(" ", scopes));
      a.put("ttl_seconds", Long.toString(ttl.getSeconds()));
      a.put("grant", grant);
      return java.util.Collections.unmodifiableMap(a);
    }
  }

  /**
   * An obligation a decision stage added (for example one returned by a Rego policy). Remit does
   * not interpret it; the host does.
   *
   * @param type its type, an identifier other than {@code approval} and {@code mint-credential}
   * @param attributes its string attributes
   */
  record Custom(String type, Map<String, String> attributes) implements Obligation {
    public Custom {
      Names.requireId(type, "obligation type");
      if (type.equals(APPROVAL) || type.equals(MINT_CREDENTIAL)) {
        throw new IllegalArgumentException("obligation type '" + type
            + "' is reserved; a stage asks for approval with StageVerdict.requireApproval");
      }
      attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
    }
  }
}
