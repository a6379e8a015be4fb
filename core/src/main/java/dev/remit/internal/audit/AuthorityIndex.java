package dev.remit.internal.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remit.AuditLog.Anomaly;
import dev.remit.AuditLog.AnomalyKind;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The authority records of a log (kind {@code authority}, and {@code revocation} from logs written
 * before those), indexed for {@link Tracer}: what each grant of a decision's chain allowed and who
 * issued it, what later cut it off, the approval a decision used, and the checks that flag
 * authority that was not in force when a call was allowed.
 */
final class AuthorityIndex {
  /** Actions that cut authority off; activity after them is {@code ACTIVITY_AFTER_REVOCATION}. */
  static final Set<String> CUTS_OFF = Set.of("revoke-grant", "expire-grant", "suspend-agent", "revoke-agent");

  /** Every authority record, in log order. */
  private final List<JsonNode> all = new ArrayList<>();
  private final Map<String, JsonNode> issued = new HashMap<>();
  private final Map<String, List<JsonNode>> refused = new HashMap<>();
  private final Map<String, JsonNode> approvals = new HashMap<>();
  private final Map<String, JsonNode> swaps = new HashMap<>();
  /** Every record's position in the log, to order records stamped with the same time. */
  private final Map<JsonNode, Integer> positions = new java.util.IdentityHashMap<>();

  /** Notes where a record of any kind stands in the log. */
  void position(JsonNode n, int at) {
    positions.put(n, at);
  }

  /** Adds a record read from the log (in log order). */
  void add(JsonNode n) {
    if ("revocation".equals(n.path("kind").asText()) && !n.has("action")) {
      return;
    }
    all.add(n);
    String id = n.path("id").asText();
    switch (n.path("action").asText()) {
      case "issue-grant":
        issued.putIfAbsent(id, n);
        break;
      case "refuse-grant":
        refused.computeIfAbsent(id, k -> new ArrayList<>()).add(n);
        break;
      case "approve":
        approvals.putIfAbsent(id, n);
        break;
      case "swap-policy":
        swaps.putIfAbsent(id, n);
        break;
      default:
        break;
    }
  }

  /** Returns the records that cut authority off (revocations, expiries, suspensions), in log order. */
  List<JsonNode> cutOffs() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : all) {
      if (CUTS_OFF.contains(n.path("action").asText())) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Returns when the cut-off {@code r} stopped applying: the first later {@code resume-agent} of
   * the same agent for a suspension, else null (revocations and expiries are for good).
   */
  Instant liftedAt(JsonNode r) {
    if (!"suspend-agent".equals(r.path("action").asText())) {
      return null;
    }
    boolean after = false;
    for (JsonNode n : all) {
      if (n == r) {
        after = true;
      } else if (after && "resume-agent".equals(n.path("action").asText())
          && n.path("id").asText().equals(r.path("id").asText())) {
        return time(n);
      }
    }
    return null;
  }

  /** Whether the record concerns the decision: its agent or subject, or a grant of its chain. */
  static boolean affects(JsonNode r, JsonNode d) {
    if ("agent".equals(r.path("target").asText())) {
      String a = r.path("id").asText();
      return a.equals(d.path("agent").asText(null)) || a.equals(d.path("subject").asText(null));
    }
    if (!"grant".equals(r.path("target").asText())) {
      return false;
    }
    List<String> cut = new ArrayList<>();
    r.path("affected").forEach(x -> cut.add(x.asText()));
    cut.add(r.path("id").asText());
    for (JsonNode h : d.path("chain").path("hops")) {
      if (cut.contains(h.path("grant").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Returns the authority records of grants issued or refused for {@code task}, in log order. */
  List<JsonNode> ofTask(String task) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : all) {
      String a = n.path("action").asText();
      if ((a.equals("issue-grant") || a.equals("refuse-grant")) && task.equals(n.path("details").path("task").asText(null))) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Writes, for a decision, each grant of its chain (scope, issuer, when), the changes that cut
   * its chain or agent off (before or after it), the entitlements of its principal and the approval
   * it used; adds the anomalies of authority that was not in force when the call was allowed.
   */
  void render(JsonNode d, StringBuilder out, List<Anomaly> anomalies) {
    String id = d.path("decision_id").asText();
    boolean allow = "ALLOW".equals(d.path("outcome").asText());
    Instant decided = time(d);
    for (JsonNode h : d.path("chain").path("hops")) {
      String g = h.path("grant").asText();
      JsonNode issue = issued.get(g);
      if (issue != null) {
        Tracer.line(out, "grant", g + " issued by " + issue.path("actor").asText() + " at " + issue.path("time").asText()
            + change(issue) + ": " + grant(issue.path("details")));
        checkInForce(id, allow, decided, g, issue, anomalies);
      } else if (refused.containsKey(g)) {
        JsonNode r = refused.get(g).get(0);
        Tracer.line(out, "grant", g + " has no issue record; it was refused at " + r.path("time").asText() + " (asked by "
            + r.path("actor").asText() + "): " + r.path("details").path("reason").asText());
        if (allow) {
          anomalies.add(new Anomaly(AnomalyKind.AUTHORITY_NOT_IN_FORCE, id, "allowed by grant " + g
              + ", which was refused at " + r.path("time").asText() + " and never issued in this log"));
        }
      } else {
        Tracer.line(out, "grant", g + " has no issue record in this log (" + document(d) + ")");
      }
    }
    for (JsonNode r : all) {
      String a = r.path("action").asText();
      if ((CUTS_OFF.contains(a) || a.equals("resume-agent")) && affects(r, d)) {
        Tracer.line(out, "change", describe(r) + relative(r, d, decided));
      }
    }
    JsonNode entitlements = entitlementsOf(d.path("chain").path("principal").asText(null), decided);
    if (entitlements != null) {
      Tracer.line(out, "principal", entitlements.path("id").asText() + "'s entitlements set by " + entitlements.path("actor").asText()
          + " at " + entitlements.path("time").asText() + change(entitlements) + ": "
          + scopes(entitlements.path("details").path("scopes")));
    }
    if (d.hasNonNull("approval")) {
      approval(d, out, anomalies);
    }
  }

  /** Says whether the change came before or after the decision; at the same instant, by log order. */
  private String relative(JsonNode r, JsonNode d, Instant decided) {
    Instant at = time(r);
    if (at == null || decided == null) {
      return "";
    }
    if (!at.equals(decided)) {
      return at.isAfter(decided) ? " (after the decision)" : " (before the decision)";
    }
    Integer rp = positions.get(r);
    Integer dp = positions.get(d);
    return rp == null || dp == null ? " (at the decision's time)"
        : rp > dp ? " (at the decision's time, logged after it)" : " (at the decision's time, logged before it)";
  }

  private void approval(JsonNode d, StringBuilder out, List<Anomaly> anomalies) {
    String id = d.path("decision_id").asText();
    String ap = d.path("approval").asText();
    JsonNode a = approvals.get(ap);
    if (a == null) {
      Tracer.line(out, "approval", ap + ": no approve record in this log");
      return;
    }
    JsonNode x = a.path("details");
    Tracer.line(out, "approval", ap + " by " + a.path("actor").asText() + " (role " + x.path("role").asText() + ") at "
        + a.path("time").asText() + change(a) + ": " + x.path("subject").asText() + " " + x.path("tool").asText() + "."
        + x.path("operation").asText() + " on " + x.path("resource").asText("-") + ", bound " + x.path("bound")
        + ", until " + x.path("expires_at").asText() + ", " + x.path("uses").asInt() + (x.path("uses").asInt() == 1 ? " use" : " uses"));
    if (!"ALLOW".equals(d.path("outcome").asText())) {
      return;
    }
    List<String> differ = new ArrayList<>();
    for (String f : List.of("subject", "tool", "operation", "resource")) {
      String given = x.path(f).asText(null);
      String used = d.path(f).asText(null);
      if (given == null ? used != null : !given.equals(used)) {
        differ.add(f + " " + given + " (the call: " + used + ")");
      }
    }
    if (!differ.isEmpty()) {
      anomalies.add(new Anomaly(AnomalyKind.AUTHORITY_NOT_IN_FORCE, id, "approval " + ap + " was given for another call: "
          + String.join(", ", differ)));
    }
    Instant decided = time(d);
    Instant until = parse(x.path("expires_at").asText(null));
    if (decided != null && until != null && !decided.isBefore(until)) {
      anomalies.add(new Anomaly(AnomalyKind.AUTHORITY_NOT_IN_FORCE, id, "allowed at " + decided + " with approval " + ap
          + ", which expired at " + until));
    }
  }

  private void checkInForce(String id, boolean allow, Instant decided, String g, JsonNode issue, List<Anomaly> anomalies) {
    if (!allow || decided == null) {
      return;
    }
    Instant at = time(issue);
    JsonNode x = issue.path("details");
    Instant from = parse(x.path("not_before").asText(null));
    Instant until = parse(x.path("expires_at").asText(null));
    if (at != null && at.isAfter(decided)) {
      anomalies.add(new Anomaly(AnomalyKind.AUTHORITY_NOT_IN_FORCE, id, "allowed at " + decided + " by grant " + g
          + ", issued only at " + at));
    } else if (from != null && decided.isBefore(from)) {
      anomalies.add(new Anomaly(AnomalyKind.AUTHORITY_NOT_IN_FORCE, id, "allowed at " + decided + " by grant " + g
          + ", not valid before " + from));
    } else if (until != null && !decided.isBefore(until) && !expiryRecorded(g, decided)) {
      anomalies.add(new Anomaly(AnomalyKind.AUTHORITY_NOT_IN_FORCE, id, "allowed at " + decided + " by grant " + g
          + ", which expired at " + until));
    }
  }

  /** Whether an expire-grant record of {@code g} precedes {@code t}: then the revocation check flags it once. */
  private boolean expiryRecorded(String g, Instant t) {
    for (JsonNode n : all) {
      if ("expire-grant".equals(n.path("action").asText()) && g.equals(n.path("id").asText())) {
        Instant at = time(n);
        if (at != null && t.isAfter(at)) {
          return true;
        }
      }
    }
    return false;
  }

  private JsonNode entitlementsOf(String principal, Instant before) {
    if (principal == null) {
      return null;
    }
    JsonNode last = null;
    for (JsonNode n : all) {
      Instant at = time(n);
      if ("set-entitlements".equals(n.path("action").asText()) && principal.equals(n.path("id").asText())
          && (before == null || at == null || !at.isAfter(before))) {
        last = n;
      }
    }
    return last;
  }

  private String document(JsonNode d) {
    String version = d.path("policy_version").asText(null);
    JsonNode swap = version == null ? null : swaps.get(version);
    return "grants of the policy document" + (version == null ? "" : ", " + version
        + (swap == null ? "" : " installed at " + swap.path("time").asText() + " by " + swap.path("actor").asText()) + ",")
        + " have none";
  }

  /** One line for a change: {@code revoke-grant g-root at T by host, cut off g-root, g-sub}. */
  static String describe(JsonNode r) {
    StringBuilder b = new StringBuilder(r.path("action").asText()).append(' ').append(r.path("id").asText())
        .append(" at ").append(r.path("time").asText());
    if (r.hasNonNull("actor")) {
      b.append(" by ").append(r.path("actor").asText());
    }
    b.append(change(r));
    List<String> cut = new ArrayList<>();
    r.path("affected").forEach(x -> cut.add(x.asText()));
    if (!cut.isEmpty()) {
      b.append(", cut off ").append(String.join(", ", cut));
    }
    if (r.path("details").hasNonNull("reason")) {
      b.append(": ").append(r.path("details").path("reason").asText());
    }
    return b.toString();
  }

  private static String change(JsonNode r) {
    long seq = r.path("change_seq").asLong(-1);
    return seq >= 0 ? " (change " + seq + ")" : "";
  }

  /** A grant's content in one line: scopes, constraints, task, budget, validity, window, credential. */
  static String grant(JsonNode x) {
    StringBuilder b = new StringBuilder(scopes(x.path("scopes")));
    List<String> cs = texts(x.path("constraints"));
    if (!cs.isEmpty()) {
      b.append("; where ").append(String.join(" and ", cs));
    }
    if (x.hasNonNull("task")) {
      b.append("; task ").append(x.path("task").asText());
    }
    if (x.hasNonNull("max_calls")) {
      b.append("; at most ").append(x.path("max_calls").asLong()).append(" calls");
    }
    if (x.hasNonNull("not_before")) {
      b.append("; from ").append(x.path("not_before").asText());
    }
    if (x.hasNonNull("expires_at")) {
      b.append("; until ").append(x.path("expires_at").asText());
    }
    JsonNode w = x.path("window");
    if (w.isObject()) {
      List<String> days = texts(w.path("days"));
      b.append("; window ").append(w.path("start").asText()).append('-').append(w.path("end").asText()).append(' ')
          .append(w.path("zone").asText()).append(days.size() == 7 ? "" : " " + String.join(",", days));
    }
    JsonNode c = x.path("credential");
    if (c.isObject()) {
      b.append("; credential ").append(c.path("audience").asText()).append(' ').append(texts(c.path("scopes")))
          .append(" for ").append(c.path("ttl").asText());
    }
    return b.toString();
  }

  /** Scopes in one line: {@code billing [refund, read] on invoices/** where args.amount <= 500; crm [*] on **}. */
  static String scopes(JsonNode scopes) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : scopes) {
      String one = String.join(",", texts(s.path("tools"))) + " " + texts(s.path("operations")) + " on "
          + String.join(", ", texts(s.path("resources")));
      List<String> cs = texts(s.path("constraints"));
      out.add(cs.isEmpty() ? one : one + " where " + String.join(" and ", cs));
    }
    return out.isEmpty() ? "no scopes" : String.join("; ", out);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  static Instant time(JsonNode n) {
    return parse(n.path("time").asText(null));
  }

  private static Instant parse(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null; // trace reads what it can; verify tells what was changed
    }
  }
}
