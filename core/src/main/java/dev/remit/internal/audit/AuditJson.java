package dev.remit.internal.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remit.AuditFormat;
import dev.remit.AuditRecord;
import dev.remit.DelegationChain;
import dev.remit.Obligation;
import dev.remit.Outcome;
import dev.remit.ReasonCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** JSON form of audit records (field names in {@code docs/audit.md}). */
public final class AuditJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private AuditJson() {}

  /** Returns the record as a JSON object in the given format. */
  public static ObjectNode toJson(AuditRecord r, AuditFormat format) {
    ObjectNode remit = remit(r);
    return format == AuditFormat.OPA_DECISION_LOG ? opa(r, remit) : remit;
  }

  /** Returns the JSON text of the record (one line). */
  public static String line(AuditRecord r, AuditFormat format) {
    try {
      return MAPPER.writeValueAsString(toJson(r, format));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise audit record", e);
    }
  }

  static ObjectNode remit(AuditRecord r) {
    ObjectNode o = F.objectNode();
    o.put("kind", r.kind());
    o.put("time", r.time().toString());
    if (r instanceof AuditRecord.DecisionRecord) {
      AuditRecord.DecisionRecord d = (AuditRecord.DecisionRecord) r;
      o.put("decision_id", d.decisionId());
      o.put("outcome", d.outcome().name());
      ArrayNode reasons = o.putArray("reasons");
      for (ReasonCode c : d.reasons()) {
        reasons.add(c.name());
      }
      o.put("subject", d.subject());
      o.put("agent", d.agent());
      o.put("component", d.component());
      o.put("task", d.task());
      o.put("grant", d.grant());
      o.set("chain", chain(d.chain()));
      o.put("invoker", d.invoker());
      o.put("intent_digest", d.intentDigest());
      if (d.intent() != null) {
        o.put("intent", d.intent());
      }
      o.put("tool", d.tool());
      o.put("operation", d.operation());
      o.put("resource", d.resource());
      o.put("resource_type", d.resourceType());
      o.set("args", value(d.args()));
      o.put("args_digest", d.argsDigest());
      o.set("context", value(d.context()));
      o.put("policy_version", d.policyVersion());
      o.put("revision", d.revision());
      o.put("cached", d.cached());
      o.put("latency_ns", d.latencyNanos());
      ArrayNode obl = o.putArray("obligations");
      for (Obligation ob : d.obligations()) {
        ObjectNode n = obl.addObject();
        n.put("type", ob.type());
        n.set("attributes", value(new java.util.TreeMap<>(ob.attributes())));
      }
      o.put("approval", d.approval());
      o.put("traceparent", d.traceparent());
    } else if (r instanceof AuditRecord.OutcomeRecord) {
      AuditRecord.OutcomeRecord x = (AuditRecord.OutcomeRecord) r;
      o.put("decision_id", x.decisionId());
      o.put("status", x.status().name());
      o.put("subject", x.subject());
      o.put("tool", x.tool());
      o.put("operation", x.operation());
      o.put("resource", x.resource());
      o.put("args_digest", x.argsDigest());
      o.put("executed_args_digest", x.executedArgsDigest());
      o.put("duration_ns", x.durationNanos());
      o.set("changes", value(x.changes()));
      ArrayNode creds = o.putArray("credentials");
      x.credentials().forEach(creds::add);
      o.put("error", x.error());
      o.put("refunded", x.refunded());
      o.put("traceparent", x.traceparent());
    } else {
      AuditRecord.RevocationRecord v = (AuditRecord.RevocationRecord) r;
      o.put("action", v.action());
      o.put("target", v.target());
      o.put("id", v.id());
      ArrayNode aff = o.putArray("affected");
      v.affected().forEach(aff::add);
    }
    return o;
  }

  private static JsonNode chain(DelegationChain c) {
    if (c == null) {
      return F.nullNode();
    }
    ObjectNode o = F.objectNode();
    o.put("principal", c.principal());
    ArrayNode hops = o.putArray("hops");
    for (DelegationChain.Hop h : c.hops()) {
      ObjectNode n = hops.addObject();
      n.put("grant", h.grant());
      n.put("holder", h.holder());
      n.put("issued_by", h.issuedBy());
      n.put("task", h.task());
    }
    return o;
  }

  private static ObjectNode opa(AuditRecord r, ObjectNode remit) {
    ObjectNode o = F.objectNode();
    if (r instanceof AuditRecord.DecisionRecord) {
      AuditRecord.DecisionRecord d = (AuditRecord.DecisionRecord) r;
      o.put("decision_id", d.decisionId());
      o.put("timestamp", d.time().toString());
      o.put("path", "remit/authorize");
      ObjectNode input = o.putObject("input");
      ObjectNode subject = input.putObject("subject");
      subject.put("type", "agent");
      subject.put("id", d.subject());
      ObjectNode action = input.putObject("action");
      action.put("name", d.operation());
      ObjectNode props = action.putObject("properties");
      props.put("tool", d.tool());
      props.set("args", remit.get("args"));
      ObjectNode resource = input.putObject("resource");
      resource.put("type", d.resourceType());
      resource.put("id", d.resource());
      input.set("context", remit.get("context"));
      ObjectNode result = o.putObject("result");
      result.put("decision", d.outcome() == Outcome.ALLOW);
      ObjectNode ctx = result.putObject("context");
      ctx.put("outcome", d.outcome().name());
      ctx.set("reasons", remit.get("reasons"));
      ctx.set("obligations", remit.get("obligations"));
      ObjectNode metrics = o.putObject("metrics");
      metrics.put("timer_remit_authorize_ns", d.latencyNanos());
      ObjectNode labels = o.putObject("labels");
      labels.put("app", "remit");
      labels.put("policy_version", d.policyVersion());
    } else if (r instanceof AuditRecord.OutcomeRecord) {
      AuditRecord.OutcomeRecord x = (AuditRecord.OutcomeRecord) r;
      o.put("decision_id", x.decisionId());
      o.put("timestamp", x.time().toString());
      o.put("path", "remit/outcome");
      o.putObject("result").put("status", x.status().name());
      o.putObject("labels").put("app", "remit");
    } else {
      AuditRecord.RevocationRecord v = (AuditRecord.RevocationRecord) r;
      o.put("decision_id", "revocation:" + v.target() + ":" + v.id());
      o.put("timestamp", v.time().toString());
      o.put("path", "remit/revocation");
      o.putObject("result").put("action", v.action());
      o.putObject("labels").put("app", "remit");
    }
    o.set("remit", remit);
    return o;
  }

  /** Returns the JSON of a JSON-like Java value; other objects become their string form. */
  @SuppressWarnings("unchecked")
  static JsonNode value(Object v) {
    if (v == null) {
      return F.nullNode();
    } else if (v instanceof String) {
      return F.textNode((String) v);
    } else if (v instanceof Boolean) {
      return F.booleanNode((Boolean) v);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return F.numberNode(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? F.numberNode(d) : F.textNode(Double.toString(d));
    } else if (v instanceof BigDecimal) {
      return F.numberNode((BigDecimal) v);
    } else if (v instanceof BigInteger) {
      return F.numberNode((BigInteger) v);
    } else if (v instanceof Map) {
      ObjectNode o = F.objectNode();
      ((Map<Object, Object>) v).forEach((k, x) -> o.set(String.valueOf(k), value(x)));
      return o;
    } else if (v instanceof List) {
      ArrayNode a = F.arrayNode();
      ((List<Object>) v).forEach(x -> a.add(value(x)));
      return a;
    } else if (v instanceof JsonNode) {
      return (JsonNode) v;
    }
    return F.textNode(String.valueOf(v));
  }
}
