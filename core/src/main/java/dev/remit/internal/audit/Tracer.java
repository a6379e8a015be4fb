package dev.remit.internal.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remit.AuditLog;
import dev.remit.AuditLog.Anomaly;
import dev.remit.AuditLog.AnomalyKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconstructs invoker -> intent -> decisions -> authority -> credentials -> calls -> outcomes from
 * audit logs. Authority is the delegation chain of each decision and, from the log's authority
 * records ({@link AuthorityIndex}), what each grant in it allowed, who issued it and when, what
 * later cut it off, and the approval used.
 */
public final class Tracer {
  private final List<JsonNode> decisions = new ArrayList<>();
  private final Map<String, JsonNode> decisionById = new LinkedHashMap<>();
  private final Map<String, List<JsonNode>> outcomesByDecision = new LinkedHashMap<>();
  private final AuthorityIndex authority = new AuthorityIndex();

  private Tracer() {}

  /** Reads every complete record of the files (Remit or OPA shape), in the order given. */
  public static Tracer read(List<Path> files) {
    Tracer t = new Tracer();
    List<long[]> order = new ArrayList<>();
    List<JsonNode> read = new ArrayList<>();
    for (Path p : files) {
      String text;
      try {
        text = Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p, e);
      }
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length - 1; i++) { // the last piece is "" or a torn line
        try {
          JsonNode n = AuditJson.MAPPER.readTree(lines[i]);
          if (n != null && n.isObject()) {
            order.add(new long[] {n.path("seq").asLong(read.size()), read.size()});
            read.add(n.has("remit") ? n.get("remit") : n);
          }
        } catch (IOException e) {
          // unreadable line: verify reports it; trace works with what it can read
        }
      }
    }
    // log order: by chain sequence number (files may be given in any order)
    order.sort(java.util.Comparator.<long[]>comparingLong(o -> o[0]).thenComparingLong(o -> o[1]));
    List<JsonNode> nodes = new ArrayList<>();
    for (long[] o : order) {
      nodes.add(read.get((int) o[1]));
    }
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode n = nodes.get(i);
      t.authority.position(n, i);
      switch (n.path("kind").asText()) {
        case "decision":
          t.decisions.add(n);
          t.decisionById.putIfAbsent(n.path("decision_id").asText(), n);
          break;
        case "outcome":
          t.outcomesByDecision.computeIfAbsent(n.path("decision_id").asText(), k -> new ArrayList<>()).add(n);
          break;
        case "authority":
        case "revocation": // logs written before authority records: the same fields, fewer of them
          t.authority.add(n);
          break;
        default:
          break;
      }
    }
    return t;
  }

  public AuditLog.Trace traceDecision(String id) {
    List<JsonNode> ds = new ArrayList<>();
    JsonNode d = decisionById.get(id);
    if (d != null) {
      ds.add(d);
    }
    StringBuilder out = new StringBuilder();
    List<Anomaly> anomalies = new ArrayList<>();
    if (d == null && !outcomesByDecision.containsKey(id)) {
      out.append("no decision '").append(id).append("' in the log\n");
    }
    render(ds, out, anomalies);
    if (d == null && outcomesByDecision.containsKey(id)) {
      orphan(id, out, anomalies);
    }
    return new AuditLog.Trace(ds.stream().map(n -> n.path("decision_id").asText()).toList(), anomalies, out.toString());
  }

  public AuditLog.Trace traceTask(String task) {
    List<JsonNode> ds = new ArrayList<>();
    for (JsonNode d : decisions) {
      if (task.equals(d.path("task").asText(null)) || chainHasTask(d, task)) {
        ds.add(d);
      }
    }
    StringBuilder out = new StringBuilder();
    List<Anomaly> anomalies = new ArrayList<>();
    List<JsonNode> grants = authority.ofTask(task);
    if (!grants.isEmpty()) {
      out.append("authority of task ").append(task).append(":\n");
      for (JsonNode g : grants) {
        boolean issue = "issue-grant".equals(g.path("action").asText());
        line(out, issue ? "issued" : "refused", AuthorityIndex.describe(g)
            + (issue ? ": " + AuthorityIndex.grant(g.path("details")) : ""));
      }
    }
    if (ds.isEmpty()) {
      out.append("no decision for task '").append(task).append("' in the log\n");
    }
    render(ds, out, anomalies);
    for (String id : outcomesByDecision.keySet()) {
      if (!decisionById.containsKey(id)) {
        orphan(id, out, anomalies); // cannot be tied to a task, so always shown
      }
    }
    return new AuditLog.Trace(ds.stream().map(n -> n.path("decision_id").asText()).toList(), anomalies, out.toString());
  }

  private void orphan(String id, StringBuilder out, List<Anomaly> anomalies) {
    for (JsonNode o : outcomesByDecision.get(id)) {
      out.append("call with no decision in the log: ").append(id).append(' ').append(call(o)).append(' ')
          .append(o.path("status").asText()).append(" at ").append(o.path("time").asText()).append('\n');
      anomalies.add(new Anomaly(AnomalyKind.EXECUTED_WITHOUT_ALLOW, id, "an outcome (" + o.path("status").asText()
          + ") was recorded for decision " + id + ", which is not in the log"));
    }
  }

  private static boolean chainHasTask(JsonNode d, String task) {
    for (JsonNode h : d.path("chain").path("hops")) {
      if (task.equals(h.path("task").asText(null))) {
        return true;
      }
    }
    return false;
  }

  private void render(List<JsonNode> ds, StringBuilder out, List<Anomaly> anomalies) {
    for (JsonNode d : ds) {
      String id = d.path("decision_id").asText();
      String outcome = d.path("outcome").asText();
      out.append("decision ").append(id).append("  ").append(d.path("time").asText()).append("  ")
          .append(outcome).append(' ').append(d.path("reasons")).append('\n');
      line(out, "invoker", text(d, "invoker"));
      line(out, "intent", d.hasNonNull("intent") ? "\"" + d.path("intent").asText() + "\" (" + text(d, "intent_digest") + ")"
          : text(d, "intent_digest"));
      line(out, "agent", text(d, "agent") + (d.hasNonNull("component") ? " (component " + text(d, "component") + ")" : "")
          + (d.hasNonNull("task") ? ", task " + text(d, "task") : ""));
      line(out, "authority", authority(d));
      authority.render(d, out, anomalies);
      line(out, "call", call(d) + " args " + d.path("args") + " " + text(d, "args_digest"));
      line(out, "policy", text(d, "policy_version") + " (revision " + d.path("revision").asLong() + "), cached "
          + d.path("cached").asBoolean() + ", latency " + d.path("latency_ns").asLong() + " ns"
          + (d.hasNonNull("traceparent") ? ", traceparent " + text(d, "traceparent") : ""));
      for (JsonNode ob : d.path("obligations")) {
        line(out, "obligation", ob.path("type").asText() + " " + ob.path("attributes"));
      }
      List<JsonNode> outs = outcomesByDecision.getOrDefault(id, List.of());
      for (JsonNode o : outs) {
        List<String> creds = new ArrayList<>();
        o.path("credentials").forEach(c -> creds.add(c.asText()));
        if (!creds.isEmpty()) {
          line(out, "credentials", String.join(", ", creds));
        }
        line(out, "outcome", o.path("status").asText() + " at " + text(o, "time") + " in "
            + o.path("duration_ns").asLong() + " ns, changed " + o.path("changes")
            + (o.hasNonNull("error") ? ", error " + text(o, "error") : "")
            + (o.path("refunded").asBoolean() ? ", budget refunded" : ""));
      }
      if (outs.isEmpty()) {
        line(out, "outcome", "none recorded");
      }
      check(d, outs, anomalies);
    }
    if (!anomalies.isEmpty()) {
      out.append("anomalies:\n");
      for (Anomaly a : anomalies) {
        out.append("  ").append(a.kind()).append(' ').append(a.decisionId()).append(": ").append(a.message()).append('\n');
      }
    } else if (!ds.isEmpty()) {
      out.append("anomalies: none\n");
    }
  }

  private void check(JsonNode d, List<JsonNode> outs, List<Anomaly> anomalies) {
    String id = d.path("decision_id").asText();
    boolean allow = "ALLOW".equals(d.path("outcome").asText());
    boolean ran = false;
    for (JsonNode o : outs) {
      String status = o.path("status").asText();
      boolean executed = !"BLOCKED_ARGUMENT_MISMATCH".equals(status);
      ran |= executed;
      if (executed && !allow) {
        anomalies.add(new Anomaly(AnomalyKind.EXECUTED_WITHOUT_ALLOW, id, "the call ran (" + status
            + ") but the decision was " + d.path("outcome").asText()));
      }
      String authorized = d.path("args_digest").asText();
      String executedDigest = o.path("executed_args_digest").asText(authorized);
      if ("BLOCKED_ARGUMENT_MISMATCH".equals(status) || !authorized.equals(executedDigest)) {
        anomalies.add(new Anomaly(AnomalyKind.ARGUMENTS_MISMATCH, id, "arguments " + executedDigest
            + (executed ? " ran" : " were about to run (blocked)") + " but " + authorized + " were authorized"));
      }
    }
    long executions = outs.stream().filter(o -> !"BLOCKED_ARGUMENT_MISMATCH".equals(o.path("status").asText())).count();
    if (executions > 1) {
      anomalies.add(new Anomaly(AnomalyKind.EXECUTED_MORE_THAN_ONCE, id, "one decision, " + executions + " executions"));
    }
    if (allow && !ran && outs.isEmpty()) {
      anomalies.add(new Anomaly(AnomalyKind.ALLOWED_NOT_EXECUTED, id, "allowed but no outcome recorded: the call"
          + " never ran, or ran without the guard"));
    }
    Instant decided = AuthorityIndex.time(d);
    if (decided == null) {
      return;
    }
    for (JsonNode r : authority.cutOffs()) {
      Instant at = AuthorityIndex.time(r);
      if (at == null || !AuthorityIndex.affects(r, d)) {
        continue;
      }
      Instant lifted = authority.liftedAt(r); // a suspension ends with the agent's resumption
      String what = r.path("action").asText() + " " + r.path("id").asText() + " at " + at
          + (lifted == null ? "" : " (lifted at " + lifted + ")");
      if (allow && cutOff(decided, at, lifted)) {
        anomalies.add(new Anomaly(AnomalyKind.ACTIVITY_AFTER_REVOCATION, id, "allowed at " + decided + " after " + what));
      }
      for (JsonNode o : outs) {
        Instant end = AuthorityIndex.time(o);
        if (end == null) {
          continue;
        }
        Instant start = end.minusNanos(o.path("duration_ns").asLong());
        if (cutOff(start, at, lifted) && !cutOff(decided, at, lifted)) {
          anomalies.add(new Anomaly(AnomalyKind.ACTIVITY_AFTER_REVOCATION, id, "authorized at " + decided
              + " but the call started at " + start + ", after " + what));
        }
      }
    }
  }

  /** Whether {@code t} falls after the cut-off at {@code at} and before it was lifted (if it was). */
  private static boolean cutOff(Instant t, Instant at, Instant lifted) {
    return t.isAfter(at) && (lifted == null || t.isBefore(lifted));
  }

  private static String authority(JsonNode d) {
    JsonNode c = d.path("chain");
    if (c.isMissingNode() || c.isNull()) {
      return "none" + (d.hasNonNull("grant") ? " (closest grant " + text(d, "grant") + ")" : "");
    }
    StringBuilder b = new StringBuilder("principal ").append(c.path("principal").asText());
    for (JsonNode h : c.path("hops")) {
      b.append(" -> grant ").append(h.path("grant").asText()).append(" (held by ").append(h.path("holder").asText());
      if (h.hasNonNull("task")) {
        b.append(", task ").append(h.path("task").asText());
      }
      b.append(')');
    }
    return b.toString();
  }

  private static String call(JsonNode n) {
    return text(n, "subject") + " " + text(n, "tool") + "." + text(n, "operation") + " on " + text(n, "resource");
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : "-";
  }

  static void line(StringBuilder out, String label, String value) {
    String l = label + ":";
    out.append("  ").append(l.length() < 13 ? String.format("%-13s", l) : l + " ").append(value).append('\n');
  }
}
