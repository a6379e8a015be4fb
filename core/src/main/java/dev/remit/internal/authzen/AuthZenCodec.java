package dev.remit.internal.authzen;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remit.AuthZen;
import dev.remit.BatchSemantic;
import dev.remit.Decision;
import dev.remit.DelegationChain;
import dev.remit.Obligation;
import dev.remit.Outcome;
import dev.remit.Reason;
import dev.remit.ReasonCode;
import dev.remit.Request;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes AuthZEN Authorization API 1.0 JSON for {@code dev.remit.AuthZen}. The mapping is
 * documented in {@code docs/authzen.md}.
 *
 * <p>Reading is lenient about the <em>contents</em> of a request and strict about the JSON text: a
 * missing or wrongly typed part never throws, it becomes null in the {@link Request} so that
 * {@code authorize()} denies with {@code MALFORMED_REQUEST}; text that is not one JSON object
 * (syntax error, duplicate key, trailing data) throws {@link IllegalArgumentException}.
 */
public final class AuthZenCodec {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      // a key given twice is read differently by different parsers (first wins / last wins): refuse
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      // lookalike and invisible characters stay visible in output
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .build();

  private AuthZenCodec() {}

  // ------------------------------------------------------------------ reading requests

  /**
   * Returns the request in an AuthZEN access evaluation body.
   *
   * @throws IllegalArgumentException if the text is not one JSON object
   */
  public static Request parseRequest(String json) {
    ObjectNode root = readObject(json, "request");
    return toRequest(root.get("subject"), root.get("action"), root.get("resource"), root.get("context"));
  }

  /**
   * Returns the requests in an AuthZEN access evaluations (batch) body, defaults applied.
   *
   * @throws IllegalArgumentException if the text is not one JSON object, {@code evaluations} is not
   *     an array, or {@code options.evaluations_semantic} is not one of the three semantics
   */
  public static AuthZen.Batch parseBatch(String json) {
    ObjectNode root = readObject(json, "evaluations request");
    BatchSemantic semantic = semantic(root.get("options"));
    JsonNode items = root.get("evaluations");
    if (absent(items) || (items.isArray() && items.isEmpty())) {
      return new AuthZen.Batch(List.of(toRequest(root.get("subject"), root.get("action"),
          root.get("resource"), root.get("context"))), semantic, true);
    }
    if (!items.isArray()) {
      throw new IllegalArgumentException("invalid AuthZEN evaluations request: evaluations must be an array, was "
          + kind(items));
    }
    List<Request> out = new ArrayList<>(items.size());
    for (JsonNode item : items) {
      if (!item.isObject()) {
        // fail closed: a non-object item does not silently become "all defaults"
        out.add(new Request(null, null, null, null, null, null, null, null));
        continue;
      }
      out.add(toRequest(
          override(root.get("subject"), item.get("subject"), "type", "id"),
          override(root.get("action"), item.get("action"), "name"),
          override(root.get("resource"), item.get("resource"), "type", "id"),
          absent(item.get("context")) ? root.get("context") : item.get("context")));
    }
    return new AuthZen.Batch(List.copyOf(out), semantic, false);
  }

  /**
   * Returns the problems of an evaluation or evaluations body against AuthZEN 1.0 and Remit's
   * mapping, each naming its JSON path; empty if there are none.
   *
   * @throws IllegalArgumentException as {@link #parseBatch} does
   */
  public static List<String> problems(String json) {
    ObjectNode root = readObject(json, "evaluations request");
    semantic(root.get("options"));
    JsonNode items = root.get("evaluations");
    List<String> out = new ArrayList<>();
    if (absent(items) || (items.isArray() && items.isEmpty())) {
      checkTuple("", root.get("subject"), root.get("action"), root.get("resource"), root.get("context"), out);
      return List.copyOf(out);
    }
    if (!items.isArray()) {
      throw new IllegalArgumentException("invalid AuthZEN evaluations request: evaluations must be an array, was "
          + kind(items));
    }
    int i = 0;
    for (JsonNode item : items) {
      String prefix = "evaluations[" + i++ + "].";
      if (!item.isObject()) {
        out.add(prefix.substring(0, prefix.length() - 1) + " must be an object, was " + kind(item));
        continue;
      }
      checkTuple(prefix,
          override(root.get("subject"), item.get("subject"), "type", "id"),
          override(root.get("action"), item.get("action"), "name"),
          override(root.get("resource"), item.get("resource"), "type", "id"),
          absent(item.get("context")) ? root.get("context") : item.get("context"), out);
    }
    return List.copyOf(out);
  }

  private static void checkTuple(String prefix, JsonNode subject, JsonNode action, JsonNode resource,
      JsonNode context, List<String> out) {
    if (checkObject(prefix + "subject", subject, true, out)) {
      checkString(prefix + "subject.type", subject.get("type"), out);
      checkString(prefix + "subject.id", subject.get("id"), out);
      checkObject(prefix + "subject.properties", subject.get("properties"), false, out);
    }
    if (checkObject(prefix + "action", action, true, out)) {
      checkString(prefix + "action.name", action.get("name"), out);
      JsonNode props = action.get("properties");
      if (absent(props)) {
        out.add(prefix + "action.properties.tool is missing (Remit needs the tool name)");
      } else if (checkObject(prefix + "action.properties", props, false, out)) {
        if (absent(props.get("tool"))) {
          out.add(prefix + "action.properties.tool is missing (Remit needs the tool name)");
        } else {
          checkString(prefix + "action.properties.tool", props.get("tool"), out);
        }
        checkObject(prefix + "action.properties.args", props.get("args"), false, out);
      }
    }
    if (checkObject(prefix + "resource", resource, true, out)) {
      checkString(prefix + "resource.type", resource.get("type"), out);
      checkString(prefix + "resource.id", resource.get("id"), out);
      checkObject(prefix + "resource.properties", resource.get("properties"), false, out);
    }
    checkObject(prefix + "context", context, false, out);
  }

  /** Returns whether {@code n} is an object; reports it if it is missing (and required) or not an object. */
  private static boolean checkObject(String path, JsonNode n, boolean required, List<String> out) {
    if (absent(n)) {
      if (required) {
        out.add(path + " is missing");
      }
      return false;
    }
    if (!n.isObject()) {
      out.add(path + " must be an object, was " + kind(n));
      return false;
    }
    return true;
  }

  private static void checkString(String path, JsonNode n, List<String> out) {
    if (absent(n)) {
      out.add(path + " is missing");
    } else if (!n.isTextual()) {
      out.add(path + " must be a string, was " + kind(n));
    }
  }

  private static BatchSemantic semantic(JsonNode options) {
    if (absent(options)) {
      return BatchSemantic.EXECUTE_ALL;
    }
    if (!options.isObject()) {
      throw new IllegalArgumentException("invalid AuthZEN evaluations request: options must be an object, was "
          + kind(options));
    }
    JsonNode s = options.get("evaluations_semantic");
    if (absent(s)) {
      return BatchSemantic.EXECUTE_ALL;
    }
    BatchSemantic b = s.isTextual() ? BatchSemantic.fromWireName(s.textValue()) : null;
    if (b == null) {
      throw new IllegalArgumentException("invalid AuthZEN evaluations request: options.evaluations_semantic must be"
          + " one of execute_all, deny_on_first_deny, permit_on_first_permit, was " + s);
    }
    return b;
  }

  /**
   * Returns the effective entity of a batch item: the item's own object replaces the default
   * whole; only its missing required sub-fields are taken from the default (certification
   * scenario c-3-2-7). Properties are never merged.
   */
  private static JsonNode override(JsonNode def, JsonNode item, String... required) {
    if (absent(item)) {
      return def;
    }
    if (!item.isObject() || def == null || !def.isObject()) {
      return item;
    }
    ObjectNode merged = null;
    for (String key : required) {
      if (absent(item.get(key)) && !absent(def.get(key))) {
        if (merged == null) {
          merged = ((ObjectNode) item).deepCopy();
        }
        merged.set(key, def.get(key));
      }
    }
    return merged == null ? item : merged;
  }

  private static Request toRequest(JsonNode subject, JsonNode action, JsonNode resource, JsonNode context) {
    Map<String, Object> ctx = null;
    if (!absent(context)) {
      if (!context.isObject()) {
        // a context that is not an object belongs to no required part; the request as a whole is
        // malformed, so nothing of it is kept
        return new Request(null, null, null, null, null, null, null, null);
      }
      ctx = toMap(context);
    }

    String subjectId = null;
    if (isEntity(subject, "type", "id")) {
      subjectId = text(subject.get("id"));
    }

    String operation = null;
    String tool = null;
    Map<String, Object> args = null;
    if (action != null && action.isObject() && optionalText(action.get("name"))) {
      JsonNode props = action.get("properties");
      if (absent(props)) {
        operation = text(action.get("name"));
      } else if (props.isObject() && optionalText(props.get("tool"))
          && (absent(props.get("args")) || props.get("args").isObject())) {
        operation = text(action.get("name"));
        tool = text(props.get("tool"));
        args = absent(props.get("args")) ? null : toMap(props.get("args"));
      }
    }

    String resourceId = null;
    String resourceType = null;
    Map<String, Object> resourceProps = null;
    if (isEntity(resource, "type", "id")) {
      resourceId = text(resource.get("id"));
      resourceType = text(resource.get("type"));
      resourceProps = absent(resource.get("properties")) ? null : toMap(resource.get("properties"));
    }
    return new Request(subjectId, tool, operation, resourceId, resourceType, args, resourceProps, ctx);
  }

  /** Returns whether {@code n} is an object whose given fields are strings or absent and whose properties are an object or absent. */
  private static boolean isEntity(JsonNode n, String... textFields) {
    if (n == null || !n.isObject()) {
      return false;
    }
    for (String f : textFields) {
      if (!optionalText(n.get(f))) {
        return false;
      }
    }
    JsonNode p = n.get("properties");
    return absent(p) || p.isObject();
  }

  private static boolean optionalText(JsonNode n) {
    return absent(n) || n.isTextual();
  }

  private static String text(JsonNode n) {
    return n != null && n.isTextual() ? n.textValue() : null;
  }

  private static boolean absent(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode();
  }

  private static Map<String, Object> toMap(JsonNode obj) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      m.put(e.getKey(), toValue(e.getValue()));
    }
    return m;
  }

  /** Returns the Java value of a JSON value: String, Long/BigInteger, Double/BigDecimal, Boolean, null, List, Map. */
  static Object toValue(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber()) {
      return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
    }
    if (n.isNumber()) {
      BigDecimal d = n.decimalValue();
      double x = d.doubleValue();
      // a Double when it stands for exactly this decimal (its shortest text is the same number);
      // otherwise the BigDecimal, which conditions compare exactly: 500.0000000000000001 must stay
      // above a limit of 500, not round down to it (and a value past the double range stays finite)
      return Double.isFinite(x) && BigDecimal.valueOf(x).compareTo(d) == 0 ? (Object) x : d;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>(n.size());
      for (JsonNode e : n) {
        l.add(toValue(e));
      }
      return java.util.Collections.unmodifiableList(l);
    }
    if (n.isObject()) {
      return java.util.Collections.unmodifiableMap(toMap(n));
    }
    return n.asText();
  }

  /**
   * Returns the JSON object in {@code json} as read-only Java values (as request values are read).
   *
   * @throws IllegalArgumentException if the text is not one JSON object
   */
  public static Map<String, Object> parseObject(String json, String what) {
    return java.util.Collections.unmodifiableMap(toMap(readObject(json, what)));
  }

  private static ObjectNode readObject(String json, String what) {
    if (json == null) {
      throw new IllegalArgumentException("invalid AuthZEN " + what + ": no JSON text (null)");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new IllegalArgumentException("invalid AuthZEN " + what + ": malformed JSON: "
          + e.getOriginalMessage() + where, e);
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException("invalid AuthZEN " + what + ": empty body, expected a JSON object");
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("invalid AuthZEN " + what + ": expected a JSON object, was " + kind(root));
    }
    return (ObjectNode) root;
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  // ------------------------------------------------------------------ writing

  /** Returns the AuthZEN access evaluation body for a request (subject type {@code agent}). */
  public static String toJson(Request r) {
    return write(g -> writeRequest(g, r));
  }

  private static void writeRequest(JsonGenerator g, Request r) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("subject");
    g.writeStringField("type", "agent");
    stringField(g, "id", r.subject());
    g.writeEndObject();

    g.writeObjectFieldStart("action");
    stringField(g, "name", r.operation());
    if (r.tool() != null || !r.args().isEmpty()) {
      g.writeObjectFieldStart("properties");
      stringField(g, "tool", r.tool());
      if (!r.args().isEmpty()) {
        g.writeFieldName("args");
        writeValue(g, r.args());
      }
      g.writeEndObject();
    }
    g.writeEndObject();

    g.writeObjectFieldStart("resource");
    stringField(g, "type", r.resourceType());
    stringField(g, "id", r.resource());
    if (!r.resourceProperties().isEmpty()) {
      g.writeFieldName("properties");
      writeValue(g, r.resourceProperties());
    }
    g.writeEndObject();

    if (!r.context().isEmpty()) {
      g.writeFieldName("context");
      writeValue(g, r.context());
    }
    g.writeEndObject();
  }

  /** Returns the AuthZEN response for a decision, agent-facing or with the operator's full story. */
  public static String toJson(Decision d, boolean operator) {
    return write(g -> writeDecision(g, d, false, operator));
  }

  /** Returns {@code {"decision":true}} or {@code {"decision":false}}. */
  public static String toBareJson(Decision d) {
    return d.allowed() ? "{\"decision\":true}" : "{\"decision\":false}";
  }

  /** Returns {@code {"evaluations":[...]}} for the decisions, bare or with context. */
  public static String toJson(List<Decision> decisions, boolean bare, boolean operator) {
    return write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("evaluations");
      for (Decision d : decisions) {
        writeDecision(g, d, bare, operator);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static void writeDecision(JsonGenerator g, Decision d, boolean bare, boolean operator) throws IOException {
    g.writeStartObject();
    g.writeBooleanField("decision", d.allowed());
    if (!bare) {
      g.writeObjectFieldStart("context");
      g.writeStringField("id", d.id());
      g.writeStringField("outcome", d.outcome().name());
      g.writeArrayFieldStart("reason_codes");
      for (Reason r : d.reasons()) {
        g.writeString(r.code().name());
      }
      g.writeEndArray();
      g.writeArrayFieldStart("reasons");
      for (Reason r : d.reasons()) {
        g.writeStartObject();
        g.writeStringField("code", r.code().name());
        g.writeStringField("message", operator ? r.message() : r.agentMessage());
        if (operator) {
          g.writeStringField("agent_message", r.agentMessage());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("obligations");
      for (Obligation o : d.obligations()) {
        if (!operator && o instanceof Obligation.MintCredential) {
          continue; // an inventory of services and scopes: the host mints from the Decision itself
        }
        g.writeStartObject();
        g.writeStringField("type", o.type());
        g.writeObjectFieldStart("attributes");
        if (operator) {
          for (Map.Entry<String, String> a : new TreeMap<>(o.attributes()).entrySet()) {
            g.writeStringField(a.getKey(), a.getValue());
          }
        } else if (o instanceof Obligation.ApprovalNeeded) {
          // the role to route the approval to; rule ids and descriptions (which may state limits) stay inside
          g.writeStringField("approver_role", ((Obligation.ApprovalNeeded) o).approverRole());
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      if (operator) {
        stringField(g, "subject", d.subject());
        stringField(g, "agent", d.agent());
        stringField(g, "grant", d.grant());
        if (d.chain() != null) {
          g.writeObjectFieldStart("chain");
          g.writeStringField("principal", d.chain().principal());
          g.writeArrayFieldStart("hops");
          for (DelegationChain.Hop h : d.chain().hops()) {
            g.writeStartObject();
            g.writeStringField("grant", h.grant());
            g.writeStringField("holder", h.holder());
            g.writeStringField("issued_by", h.issuedBy());
            stringField(g, "task", h.task());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        }
        stringField(g, "approval", d.approval());
        g.writeStringField("policy_version", d.policyVersion());
        g.writeNumberField("revision", d.revision());
      }
      g.writeStringField("evaluated_at", d.evaluatedAt().toString());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void stringField(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void writeDouble(JsonGenerator g, double x) throws IOException {
    if (Double.isFinite(x)) {
      g.writeNumber(x);
    } else {
      g.writeString(Double.toString(x));
    }
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String) {
      g.writeString((String) v);
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof BigInteger) {
      g.writeNumber((BigInteger) v);
    } else if (v instanceof BigDecimal) {
      // Jackson writes BigDecimal.toString(): E notation for a large exponent, so 1e999999999 stays
      // twelve characters (WRITE_BIGDECIMAL_AS_PLAIN, which would expand it, stays off)
      g.writeNumber((BigDecimal) v);
    } else if (v instanceof Double || v instanceof Float) {
      writeDouble(g, ((Number) v).doubleValue());
    } else if (v instanceof Number) {
      // a host's own Number: its decimal text, or its double when the text is not a number
      BigDecimal d;
      try {
        d = new BigDecimal(v.toString());
      } catch (NumberFormatException e) {
        writeDouble(g, ((Number) v).doubleValue());
        return;
      }
      g.writeNumber(d);
    } else if (v instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Collection) {
      g.writeStartArray();
      for (Object o : (Collection<?>) v) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Object[]) {
      g.writeStartArray();
      for (Object o : (Object[]) v) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeString(v.toString());
    }
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Body body) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = MAPPER.createGenerator(w)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return w.toString();
  }

  // ------------------------------------------------------------------ reading decisions

  /**
   * Returns the decision in a full AuthZEN response written by {@link #toJson(Decision)}.
   *
   * @throws IllegalArgumentException if the text is not such a response
   */
  public static Decision parseDecision(String json) {
    ObjectNode root = readObject(json, "decision");
    JsonNode decision = root.get("decision");
    if (decision == null || !decision.isBoolean()) {
      throw bad("decision must be a boolean");
    }
    JsonNode c = root.get("context");
    if (c == null || !c.isObject()) {
      throw bad("context is missing; a bare decision cannot be read back into a Decision");
    }
    Outcome outcome = enumValue(Outcome.class, required(c, "outcome"), "context.outcome");
    if ((outcome == Outcome.ALLOW) != decision.booleanValue()) {
      throw bad("decision " + decision.booleanValue() + " contradicts context.outcome " + outcome);
    }
    if (!c.has("policy_version")) {
      throw bad("this is an agent-facing response, which carries too little to rebuild a decision;"
          + " write it with the operator's disclosure");
    }
    List<Reason> reasons = new ArrayList<>();
    for (JsonNode r : array(c, "reasons")) {
      ReasonCode code = enumValue(ReasonCode.class, required(r, "code"), "context.reasons[].code");
      reasons.add(new Reason(code, required(r, "message"),
          r.hasNonNull("agent_message") ? required(r, "agent_message") : code.agentText()));
    }
    List<Obligation> obligations = new ArrayList<>();
    for (JsonNode o : array(c, "obligations")) {
      Map<String, String> attrs = new LinkedHashMap<>();
      JsonNode a = o.get("attributes");
      if (a != null && a.isObject()) {
        for (Map.Entry<String, JsonNode> e : a.properties()) {
          attrs.put(e.getKey(), e.getValue().asText());
        }
      }
      try {
        obligations.add(obligation(required(o, "type"), attrs));
      } catch (RuntimeException e) {
        throw bad("context.obligations: " + e.getMessage());
      }
    }
    DelegationChain chain = null;
    JsonNode ch = c.get("chain");
    if (!absent(ch)) {
      List<DelegationChain.Hop> hops = new ArrayList<>();
      for (JsonNode h : array(ch, "hops")) {
        hops.add(new DelegationChain.Hop(required(h, "grant"), required(h, "holder"),
            required(h, "issued_by"), text(h.get("task"))));
      }
      chain = new DelegationChain(required(ch, "principal"), hops);
    }
    JsonNode rev = c.get("revision");
    if (rev == null || !rev.canConvertToLong()) {
      throw bad("context.revision must be an integer");
    }
    Instant at;
    try {
      at = Instant.parse(required(c, "evaluated_at"));
    } catch (DateTimeParseException e) {
      throw bad("context.evaluated_at is not an ISO-8601 instant: " + e.getParsedString());
    }
    try {
      return new Decision(required(c, "id"), outcome, reasons, obligations, text(c.get("subject")),
          text(c.get("agent")), text(c.get("grant")), chain, text(c.get("approval")),
          required(c, "policy_version"), rev.longValue(), at);
    } catch (RuntimeException e) {
      throw bad(e.getMessage());
    }
  }

  /** Returns the typed obligation of a wire type and attributes. */
  static Obligation obligation(String type, Map<String, String> a) {
    switch (type) {
      case Obligation.APPROVAL:
        return new Obligation.ApprovalNeeded(need(a, "rule"), need(a, "approver_role"), a.get("description"));
      case Obligation.MINT_CREDENTIAL: {
        String scopes = need(a, "scopes");
        long ttl;
        try {
          ttl = Long.parseLong(need(a, "ttl_seconds"));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("ttl_seconds must be an integer");
        }
        return new Obligation.MintCredential(need(a, "audience"),
            scopes.isEmpty() ? List.of() : List.of(scopes.split(" ")), java.time.Duration.ofSeconds(ttl), need(a, "grant"));
      }
      default:
        return new Obligation.Custom(type, a);
    }
  }

  private static String need(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("attribute " + key + " is missing");
    }
    return v;
  }

  private static String required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw bad(field + " must be a string");
    }
    return v.textValue();
  }

  private static JsonNode array(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray()) {
      throw bad(field + " must be an array");
    }
    return v;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String name, String field) {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw bad(field + " '" + name + "' is not a known value");
    }
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException("invalid AuthZEN decision: " + message);
  }
}
