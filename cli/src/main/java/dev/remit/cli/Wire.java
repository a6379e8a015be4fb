package dev.remit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remit.BatchSemantic;
import dev.remit.Decision;
import dev.remit.DelegationChain;
import dev.remit.Obligation;
import dev.remit.Reason;
import dev.remit.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AuthZEN-shaped JSON for the CLI: reads access-evaluation requests (single or batch) into
 * {@link Request}s and renders {@link Decision}s as AuthZEN responses.
 *
 * <p>Mapping (see {@code docs/authzen.md}): subject {@code {type: "agent", id}}, action
 * {@code {name: OPERATION, properties: {tool, args}}}, resource {@code {type, id, properties}},
 * context. The response's {@code decision} is true only for ALLOW; {@code context} carries the
 * outcome, reasons, obligations, chain, grant, decision id, policy version, revision and time.
 */
final class Wire {
  static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Wire() {}

  /** A parsed evaluation request: one or many requests and the batch semantic. */
  record Evaluation(boolean batch, List<Request> requests, BatchSemantic semantic) {}

  /** Returns the request(s) in an AuthZEN evaluation or evaluations document. */
  static Evaluation parse(JsonNode root, String where) {
    if (root == null || !root.isObject()) {
      throw new InputException(where + ": the request must be a JSON object");
    }
    JsonNode items = root.get("evaluations");
    if (items == null || items.isNull()) {
      return new Evaluation(false, List.of(request(root, where)), BatchSemantic.EXECUTE_ALL);
    }
    if (!items.isArray()) {
      throw new InputException(where + ": evaluations must be an array");
    }
    BatchSemantic semantic = BatchSemantic.EXECUTE_ALL;
    JsonNode sem = root.path("options").get("evaluations_semantic");
    if (sem != null && !sem.isNull()) {
      semantic = BatchSemantic.fromWireName(sem.asText());
      if (semantic == null || !sem.isTextual()) {
        throw new InputException(where + ": options.evaluations_semantic must be one of execute_all, "
            + "deny_on_first_deny, permit_on_first_permit; was " + sem);
      }
    }
    List<Request> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!item.isObject()) {
        throw new InputException(where + ": evaluations[" + i + "] must be an object");
      }
      // per-item subject/action/resource/context replace the top-level defaults
      ObjectNode merged = F.objectNode();
      for (String k : List.of("subject", "action", "resource", "context")) {
        JsonNode v = item.has(k) ? item.get(k) : root.get(k);
        if (v != null) {
          merged.set(k, v);
        }
      }
      out.add(request(merged, where + ": evaluations[" + i + "]"));
    }
    return new Evaluation(true, out, semantic);
  }

  /**
   * Returns the request in one AuthZEN access-evaluation object. Missing members become nulls,
   * which {@code authorize} denies as MALFORMED_REQUEST; members of the wrong JSON type are
   * input errors.
   */
  static Request request(JsonNode n, String where) {
    JsonNode subject = object(n, "subject", where);
    JsonNode action = object(n, "action", where);
    JsonNode resource = object(n, "resource", where);
    JsonNode context = object(n, "context", where);
    String type = text(subject, "type", where + ": subject");
    if (type != null && !type.equals("agent")) {
      throw new InputException(where + ": subject.type must be \"agent\", was \"" + type + "\"");
    }
    JsonNode props = action == null ? null : object(action, "properties", where + ": action");
    return new Request(
        text(subject, "id", where + ": subject"),
        text(props, "tool", where + ": action.properties"),
        text(action, "name", where + ": action"),
        text(resource, "id", where + ": resource"),
        text(resource, "type", where + ": resource"),
        map(props == null ? null : object(props, "args", where + ": action.properties")),
        map(resource == null ? null : object(resource, "properties", where + ": resource")),
        map(context));
  }

  private static JsonNode object(JsonNode n, String field, String where) {
    JsonNode v = n == null ? null : n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new InputException(where + ": " + field + " must be an object, was " + v.getNodeType().name().toLowerCase());
    }
    return v;
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n == null ? null : n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InputException(where + "." + field + " must be a string, was " + v);
    }
    return v.asText();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(JsonNode n) {
    return n == null ? null : JSON.convertValue(n, LinkedHashMap.class);
  }

  /** Returns the AuthZEN response for one decision; {@code bare} leaves out the context. */
  static ObjectNode render(Decision d, boolean bare) {
    ObjectNode o = F.objectNode();
    o.put("decision", d.allowed());
    if (bare) {
      return o;
    }
    ObjectNode c = o.putObject("context");
    c.put("outcome", d.outcome().name());
    ArrayNode reasons = c.putArray("reasons");
    for (Reason r : d.reasons()) {
      reasons.addObject().put("code", r.code().name()).put("message", r.message());
    }
    ArrayNode obligations = c.putArray("obligations");
    for (Obligation ob : d.obligations()) {
      ObjectNode x = obligations.addObject().put("type", ob.type());
      ObjectNode attrs = x.putObject("attributes");
      new java.util.TreeMap<>(ob.attributes()).forEach(attrs::put);
    }
    if (d.chain() != null) {
      ObjectNode ch = c.putObject("chain");
      ch.put("principal", d.chain().principal());
      ArrayNode hops = ch.putArray("hops");
      for (DelegationChain.Hop h : d.chain().hops()) {
        ObjectNode hop = hops.addObject().put("grant", h.grant()).put("holder", h.holder())
            .put("issued_by", h.issuedBy());
        if (h.task() != null) {
          hop.put("task", h.task());
        }
      }
    }
    putIf(c, "subject", d.subject());
    putIf(c, "agent", d.agent());
    putIf(c, "grant", d.grant());
    putIf(c, "approval", d.approval());
    c.put("decision_id", d.id());
    c.put("policy_version", d.policyVersion());
    c.put("revision", d.revision());
    c.put("evaluated_at", d.evaluatedAt().toString());
    return o;
  }

  /** Returns the AuthZEN batch response. */
  static ObjectNode renderAll(List<Decision> decisions, boolean bare) {
    ObjectNode o = F.objectNode();
    ArrayNode arr = o.putArray("evaluations");
    for (Decision d : decisions) {
      arr.add(render(d, bare));
    }
    return o;
  }

  private static void putIf(ObjectNode o, String k, String v) {
    if (v != null) {
      o.put(k, v);
    }
  }

}
