package dev.remit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A tool in the catalog: its operations, each with a risk class, and descriptive attributes.
 *
 * <p>Attributes describe the tool to guardrail rules, e.g. {@code destination: external} for a tool
 * that sends data outside the organisation; rules read them as {@code tool.destination}.
 *
 * @param name tool name, e.g. {@code payments} or {@code github/issues}
 * @param operations operation name to risk class, at least one
 * @param attributes descriptive attributes (string values)
 */
public record Tool(String name, Map<String, RiskClass> operations, Map<String, String> attributes) {

  public Tool {
    Names.requireName(name, "tool name");
    Objects.requireNonNull(operations, "operations");
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("tool " + name + " must declare at least one operation");
    }
    for (Map.Entry<String, RiskClass> e : operations.entrySet()) {
      Names.requireId(e.getKey(), "operation of tool " + name);
      Objects.requireNonNull(e.getValue(), "risk class of " + name + "." + e.getKey());
    }
    operations = Map.copyOf(operations);
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /** Returns a tool with the given operation/risk pairs and no attributes. */
  public static Tool of(String name, Object... operationRiskPairs) {
    if (operationRiskPairs.length % 2 != 0) {
      throw new IllegalArgumentException("operations must come in name/risk pairs");
    }
    Map<String, RiskClass> ops = new LinkedHashMap<>();
    for (int i = 0; i < operationRiskPairs.length; i += 2) {
      ops.put((String) operationRiskPairs[i], (RiskClass) operationRiskPairs[i + 1]);
    }
    return new Tool(name, ops, Map.of());
  }

  /** Returns a copy with one more attribute. */
  public Tool withAttribute(String key, String value) {
    Map<String, String> a = new LinkedHashMap<>(attributes);
    a.put(key, value);
    return new Tool(name, operations, a);
  }
}
