package dev.remit.internal.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remit.AuditFormat;
import dev.remit.AuditRecord;
import dev.remit.DelegationChain;
import dev.remit.Obligation;
import dev.remit.Outcome;
import dev.remit.ReasonCode;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON form of audit records (field names in {@code docs/audit.md}), written with Jackson's
 * streaming generator: the writer thread serialises every record, so no tree is built.
 */
public final class AuditJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private AuditJson() {}

  /** Returns the JSON text of the record (one line). */
  public static String line(AuditRecord r, AuditFormat format) {
    StringWriter w = new StringWriter(512);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
      g.writeStartObject();
      writeFields(g, r, format);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise audit record", e);
    }
    return w.toString();
  }

  /** Writes the record's fields into the object {@code g} is in (the caller opens and closes it). */
  public static void writeFields(JsonGenerator g, AuditRecord r, AuditFormat format) throws IOException {
    if (format == AuditFormat.OPA_DECISION_LOG) {
      opa(g, r);
    } else {
      remit(g, r);
    }
  }

  static void remit(JsonGenerator g, AuditRecord r) throws IOException {
    g.writeStringField("kind", r.kind());
    g.writeStringField("time", r.time().toString());
    if (r instanceof AuditRecord.DecisionRecord) {
      AuditRecord.DecisionRecord d = (AuditRecord.DecisionRecord) r;
      g.writeStringField("decision_id", d.decisionId());
      g.writeStringField("outcome", d.outcome().name());
      g.writeFieldName("reasons");
      reasons(g, d.reasons());
      g.writeStringField("subject", d.subject());
      g.writeStringField("agent", d.agent());
      g.writeStringField("component", d.component());
      g.writeStringField("task", d.task());
      g.writeStringField("grant", d.grant());
      g.writeFieldName("chain");
      chain(g, d.chain());
      g.writeStringField("invoker", d.invoker());
      g.writeStringField("intent_digest", d.intentDigest());
      if (d.intent() != null) {
        g.writeStringField("intent", d.intent());
      }
      g.writeStringField("tool", d.tool());
      g.writeStringField("operation", d.operation());
      g.writeStringField("resource", d.resource());
      g.writeStringField("resource_type", d.resourceType());
      g.writeFieldName("args");
      value(g, d.args());
      g.writeStringField("args_digest", d.argsDigest());
      g.writeFieldName("context");
      value(g, d.context());
      g.writeStringField("policy_version", d.policyVersion());
      g.writeNumberField("revision", d.revision());
      g.writeBooleanField("cached", d.cached());
      g.writeNumberField("latency_ns", d.latencyNanos());
      g.writeFieldName("obligations");
      obligations(g, d.obligations());
      g.writeStringField("approval", d.approval());
      g.writeStringField("traceparent", d.traceparent());
    } else if (r instanceof AuditRecord.OutcomeRecord) {
      AuditRecord.OutcomeRecord x = (AuditRecord.OutcomeRecord) r;
      g.writeStringField("decision_id", x.decisionId());
      g.writeStringField("status", x.status().name());
      g.writeStringField("subject", x.subject());
      g.writeStringField("tool", x.tool());
      g.writeStringField("operation", x.operation());
      g.writeStringField("resource", x.resource());
      g.writeStringField("args_digest", x.argsDigest());
      g.writeStringField("executed_args_digest", x.executedArgsDigest());
      g.writeNumberField("duration_ns", x.durationNanos());
      g.writeFieldName("changes");
      value(g, x.changes());
      g.writeFieldName("credentials");
      value(g, x.credentials());
      g.writeStringField("error", x.error());
      g.writeBooleanField("refunded", x.refunded());
      g.writeStringField("traceparent", x.traceparent());
    } else {
      AuditRecord.AuthorityRecord a = (AuditRecord.AuthorityRecord) r;
      // not "seq": a file sink writes the chain's seq in the same object
      g.writeNumberField("change_seq", a.seq());
      g.writeStringField("action", a.action());
      g.writeStringField("actor", a.actor());
      g.writeStringField("target", a.target());
      g.writeStringField("id", a.id());
      g.writeFieldName("affected");
      value(g, a.affected());
      g.writeFieldName("details");
      value(g, a.details());
    }
  }

  private static void reasons(JsonGenerator g, List<ReasonCode> reasons) throws IOException {
    g.writeStartArray();
    for (ReasonCode c : reasons) {
      g.writeString(c.name());
    }
    g.writeEndArray();
  }

  private static void obligations(JsonGenerator g, List<Obligation> obligations) throws IOException {
    g.writeStartArray();
    for (Obligation ob : obligations) {
      g.writeStartObject();
      g.writeStringField("type", ob.type());
      g.writeFieldName("attributes");
      value(g, new TreeMap<>(ob.attributes()));
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void chain(JsonGenerator g, DelegationChain c) throws IOException {
    if (c == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("principal", c.principal());
    g.writeArrayFieldStart("hops");
    for (DelegationChain.Hop h : c.hops()) {
      g.writeStartObject();
      g.writeStringField("grant", h.grant());
      g.writeStringField("holder", h.holder());
      g.writeStringField("issued_by", h.issuedBy());
      g.writeStringField("task", h.task());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void opa(JsonGenerator g, AuditRecord r) throws IOException {
    if (r instanceof AuditRecord.DecisionRecord) {
      AuditRecord.DecisionRecord d = (AuditRecord.DecisionRecord) r;
      g.writeStringField("decision_id", d.decisionId());
      g.writeStringField("timestamp", d.time().toString());
      g.writeStringField("path", "remit/authorize");
      g.writeObjectFieldStart("input");
      g.writeObjectFieldStart("subject");
      g.writeStringField("type", "agent");
      g.writeStringField("id", d.subject());
      g.writeEndObject();
      g.writeObjectFieldStart("action");
      g.writeStringField("name", d.operation());
      g.writeObjectFieldStart("properties");
      g.writeStringField("tool", d.tool());
      g.writeFieldName("args");
      value(g, d.args());
      g.writeEndObject();
      g.writeEndObject();
      g.writeObjectFieldStart("resource");
      g.writeStringField("type", d.resourceType());
      g.writeStringField("id", d.resource());
      g.writeEndObject();
      g.writeFieldName("context");
      value(g, d.context());
      g.writeEndObject();
      g.writeObjectFieldStart("result");
      g.writeBooleanField("decision", d.outcome() == Outcome.ALLOW);
      g.writeObjectFieldStart("context");
      g.writeStringField("outcome", d.outcome().name());
      g.writeFieldName("reasons");
      reasons(g, d.reasons());
      g.writeFieldName("obligations");
      obligations(g, d.obligations());
      g.writeEndObject();
      g.writeEndObject();
      g.writeObjectFieldStart("metrics");
      g.writeNumberField("timer_remit_authorize_ns", d.latencyNanos());
      g.writeEndObject();
      g.writeObjectFieldStart("labels");
      g.writeStringField("app", "remit");
      g.writeStringField("policy_version", d.policyVersion());
      g.writeEndObject();
    } else if (r instanceof AuditRecord.OutcomeRecord) {
      AuditRecord.OutcomeRecord x = (AuditRecord.OutcomeRecord) r;
      g.writeStringField("decision_id", x.decisionId());
      g.writeStringField("timestamp", x.time().toString());
      g.writeStringField("path", "remit/outcome");
      g.writeObjectFieldStart("result");
      g.writeStringField("status", x.status().name());
      g.writeEndObject();
      appLabel(g);
    } else {
      AuditRecord.AuthorityRecord a = (AuditRecord.AuthorityRecord) r;
      g.writeStringField("decision_id", "authority:" + a.action() + ":" + a.id());
      g.writeStringField("timestamp", a.time().toString());
      g.writeStringField("path", "remit/authority");
      g.writeObjectFieldStart("result");
      g.writeStringField("action", a.action());
      g.writeStringField("actor", a.actor());
      g.writeStringField("target", a.target());
      g.writeStringField("id", a.id());
      g.writeEndObject();
      appLabel(g);
    }
    g.writeObjectFieldStart("remit");
    remit(g, r);
    g.writeEndObject();
  }

  private static void appLabel(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("labels");
    g.writeStringField("app", "remit");
    g.writeEndObject();
  }

  /** Writes a JSON-like Java value; other objects become their string form. */
  @SuppressWarnings("unchecked")
  static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String) {
      g.writeString((String) v);
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) {
        g.writeNumber(d);
      } else {
        g.writeString(Double.toString(d));
      }
    } else if (v instanceof BigDecimal) {
      // BigDecimal.toString(): E notation for a large exponent, never a billion zeros
      g.writeNumber((BigDecimal) v);
    } else if (v instanceof BigInteger) {
      g.writeNumber((BigInteger) v);
    } else if (v instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<String, Object> e : stringKeyed((Map<Object, Object>) v).entrySet()) {
        g.writeFieldName(e.getKey());
        value(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List) {
      g.writeStartArray();
      for (Object x : (List<Object>) v) {
        value(g, x);
      }
      g.writeEndArray();
    } else if (v instanceof JsonNode) {
      MAPPER.writeTree(g, (JsonNode) v);
    } else {
      g.writeString(String.valueOf(v));
    }
  }

  /**
   * The map with its keys as strings. When two keys have the same string form (1 and "1"), the
   * later value replaces the earlier one at the earlier one's position, so no object is written
   * with a duplicate name. Maps whose keys are all strings are returned as they are.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> stringKeyed(Map<Object, Object> m) {
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((key, x) -> out.put(String.valueOf(key), x));
        return out;
      }
    }
    return (Map<String, Object>) (Map<?, ?>) m;
  }
}
