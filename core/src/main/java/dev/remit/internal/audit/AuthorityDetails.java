package dev.remit.internal.audit;

import dev.remit.Approval;
import dev.remit.Constraint;
import dev.remit.CredentialSpec;
import dev.remit.Grant;
import dev.remit.Scope;
import dev.remit.TimeWindow;
import java.time.DayOfWeek;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns grants, scopes and approvals into the {@code details} of an
 * {@link dev.remit.AuditRecord.AuthorityRecord}: JSON-like maps (strings, numbers, booleans, null,
 * lists, maps), fields in a fixed order so equal inputs serialise to equal bytes. The field names
 * are documented in {@code docs/audit.md} ("Authority record").
 */
public final class AuthorityDetails {
  private AuthorityDetails() {}

  /**
   * Returns a grant's full content: {@code principal, holder, parent, task, scopes, constraints,
   * not_before, expires_at, window, max_calls, credential, issued_by}. {@code max_calls} is null
   * for an unlimited grant; instants are ISO-8601; constraints are in the policy syntax.
   *
   * @param issuedBy the principal (root grant) or the delegating agent (sub-grant), or null if unknown
   */
  public static Map<String, Object> grant(Grant g, String issuedBy) {
    Objects.requireNonNull(g, "grant");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("principal", g.principal());
    m.put("holder", g.holder());
    m.put("parent", g.parent());
    m.put("task", g.task());
    m.put("scopes", scopes(g.scopes()));
    m.put("constraints", constraints(g.constraints()));
    m.put("not_before", instant(g.notBefore()));
    m.put("expires_at", instant(g.expiresAt()));
    m.put("window", window(g.window()));
    m.put("max_calls", g.maxCalls() == Grant.UNLIMITED ? null : g.maxCalls());
    m.put("credential", credential(g.credential()));
    m.put("issued_by", issuedBy);
    return m;
  }

  /** Returns a grant as it was asked for, with why it was refused: {@link #grant} plus {@code reason}. */
  public static Map<String, Object> refusedGrant(Grant g, String issuedBy, String reason) {
    Map<String, Object> m = grant(g, issuedBy);
    m.put("reason", Objects.requireNonNull(reason, "reason"));
    return m;
  }

  /** Returns {@code [{tools, operations, resources, constraints}, ...]}, in the scopes' order. */
  public static List<Object> scopes(List<Scope> scopes) {
    List<Object> out = new ArrayList<>(scopes.size());
    for (Scope s : scopes) {
      out.add(scope(s));
    }
    return out;
  }

  /** Returns {@code {tools, operations, resources, constraints}} of one scope. */
  public static Map<String, Object> scope(Scope s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tools", new ArrayList<Object>(s.tools()));
    m.put("operations", new ArrayList<Object>(s.operations()));
    m.put("resources", new ArrayList<Object>(s.resources()));
    m.put("constraints", constraints(s.constraints()));
    return m;
  }

  /** Returns the details of new entitlements: {@code {scopes}}. */
  public static Map<String, Object> entitlements(List<Scope> scopes) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (scopes == null) {
      m.put("lifted", true); // the runtime restriction was lifted: the document's entitlements apply alone
    } else {
      m.put("scopes", scopes(scopes));
    }
    return m;
  }

  /**
   * Returns an approval: {@code approver, role, subject, tool, operation, resource, bound,
   * issued_at, expires_at, uses}; {@code bound} maps each bound attribute path to the canonical
   * form of its approved value, sorted by path.
   */
  public static Map<String, Object> approval(Approval a) {
    Objects.requireNonNull(a, "approval");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("approver", a.approver());
    m.put("role", a.role());
    m.put("subject", a.subject());
    m.put("tool", a.tool());
    m.put("operation", a.operation());
    m.put("resource", a.resource());
    m.put("bound", new TreeMap<String, Object>(a.bound()));
    m.put("issued_at", instant(a.issuedAt()));
    m.put("expires_at", instant(a.expiresAt()));
    m.put("uses", a.uses());
    return m;
  }

  /** Returns the details of a policy swap: {@code old_version, new_version, source}. */
  public static Map<String, Object> swap(String oldVersion, String newVersion, String source) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("old_version", oldVersion);
    m.put("new_version", newVersion);
    m.put("source", source);
    return m;
  }

  /** Returns the details of a refusal: {@code {reason}}. */
  public static Map<String, Object> refusal(String reason) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reason", Objects.requireNonNull(reason, "reason"));
    return m;
  }

  /** Returns {@code {expires_at}}. */
  public static Map<String, Object> expiry(Instant expiresAt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("expires_at", instant(Objects.requireNonNull(expiresAt, "expiresAt")));
    return m;
  }

  private static List<Object> constraints(List<Constraint> cs) {
    List<Object> out = new ArrayList<>(cs.size());
    for (Constraint c : cs) {
      out.add(c.toString());
    }
    return out;
  }

  private static Map<String, Object> window(TimeWindow w) {
    if (w == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("start", w.start().toString());
    m.put("end", w.end().toString());
    m.put("zone", w.zone().getId());
    List<Object> days = new ArrayList<>();
    for (DayOfWeek d : DayOfWeek.values()) {
      if (w.days().contains(d)) {
        days.add(d.name());
      }
    }
    m.put("days", days);
    return m;
  }

  private static Map<String, Object> credential(CredentialSpec c) {
    if (c == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("audience", c.audience());
    m.put("scopes", new ArrayList<Object>(c.scopes()));
    m.put("ttl", c.ttl().toString());
    return m;
  }

  private static String instant(Instant i) {
    return i == null ? null : i.toString();
  }
}
