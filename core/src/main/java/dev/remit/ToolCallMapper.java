package dev.remit;

import dev.remit.internal.Text;
import dev.remit.internal.authzen.AuthZenCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns an agent framework's tool call — the tool's name, its JSON arguments, the calling
 * identity — into a Remit {@link Request}. The framework interceptors (MCP, Spring AI,
 * LangChain4j) use one; hosts that write their own glue can too.
 *
 * <p><b>The default mapping</b> ({@link #defaults()}):
 * <ul>
 *   <li>tool and operation: a name with a dot is split at its last dot ({@code payments.transfer}
 *       is tool {@code payments}, operation {@code transfer}); a name without one is the tool,
 *       with operation {@value #DEFAULT_OPERATION};
 *   <li>resource: {@code tools/<tool>} — set a template per tool to name the real resource;
 *   <li>arguments: all of them, as {@code args};
 *   <li>context: what the caller gives (task, traceparent, invoker, intent…).
 * </ul>
 *
 * <p><b>Per tool</b>, {@link Builder#tool} names the tool, operation and resource a framework tool
 * stands for. A resource template takes values from the arguments by JSON pointer:
 * {@code "accounts/{/account_id}"}, {@code "repos/{/owner}/{/repo}/issues"}. A placeholder whose
 * value is absent, empty, or not a string or integer leaves the request without a resource, which
 * {@link Authorizer#authorize} denies as malformed; a value that would smuggle a path segment
 * ({@code ..}, a slash, an encoded one) is denied by the name checks. A framework tool the policy's
 * catalog does not have is denied ({@code UNKNOWN_TOOL}), never allowed.
 *
 * <p>Immutable and thread-safe; {@link #map} never throws for a bad call (the request it returns is
 * denied with a reason instead).
 */
public final class ToolCallMapper {
  /** The operation of a framework tool whose name has no dot. */
  public static final String DEFAULT_OPERATION = "invoke";
  /** Longest JSON argument text {@link #parseArguments} reads (1 MiB). */
  public static final int MAX_ARGUMENT_TEXT = 1 << 20;

  /**
   * One framework tool call.
   *
   * @param name the tool's name as the framework knows it
   * @param arguments its arguments (JSON-like values), not null
   * @param subject the calling agent or component, as the identity resolver found it (null: unknown)
   * @param context request context to pass on (task, traceparent, invoker, intent…), not null
   */
  public record ToolCall(String name, Map<String, Object> arguments, String subject, Map<String, Object> context) {
    public ToolCall {
      arguments = arguments == null ? Map.of() : arguments;
      context = context == null ? Map.of() : context;
    }
  }

  /**
   * What one framework tool stands for.
   *
   * @param tool the catalog tool
   * @param operation its operation
   * @param resource a resource template ({@code {/json/pointer}} placeholders), or a fixed id
   * @param resourceType the resource type, or null
   */
  public record Mapping(String tool, String operation, String resource, String resourceType) {
    public Mapping {
      Text.requireId(operation, "operation");
      Objects.requireNonNull(tool, "tool");
      String bad = Text.checkName(tool);
      if (bad != null) {
        throw new IllegalArgumentException("tool '" + Text.printable(tool) + "' " + bad);
      }
      Objects.requireNonNull(resource, "resource");
      Template.check(resource);
    }
  }

  private final Map<String, Mapping> tools;
  private final String defaultResourcePrefix;

  private ToolCallMapper(Builder b) {
    this.tools = Map.copyOf(b.tools);
    this.defaultResourcePrefix = b.resourcePrefix;
  }

  /** Returns the default mapping, with no per-tool overrides. */
  public static ToolCallMapper defaults() {
    return builder().build();
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the request for {@code call}; never throws (a call that cannot be mapped is denied when authorized). */
  public Request map(ToolCall call) {
    Objects.requireNonNull(call, "call");
    String name = call.name();
    Mapping m = name == null ? null : tools.get(name);
    String tool;
    String operation;
    String resource;
    String type = null;
    if (m != null) {
      tool = m.tool();
      operation = m.operation();
      resource = Template.fill(m.resource(), call.arguments());
      type = m.resourceType();
    } else if (name == null) {
      tool = null;
      operation = null;
      resource = null;
    } else {
      int dot = name.lastIndexOf('.');
      tool = dot > 0 && dot < name.length() - 1 ? name.substring(0, dot) : name;
      operation = dot > 0 && dot < name.length() - 1 ? name.substring(dot + 1) : DEFAULT_OPERATION;
      resource = defaultResourcePrefix + tool;
    }
    return new Request(call.subject(), tool, operation, resource, type, call.arguments(), Map.of(), call.context());
  }

  /** Returns the request for a call whose arguments are JSON text (see {@link #parseArguments}). */
  public Request map(String name, String jsonArguments, String subject, Map<String, Object> context) {
    Map<String, Object> args;
    try {
      args = parseArguments(jsonArguments);
    } catch (IllegalArgumentException e) {
      // not an object of arguments: the request carries no tool, so it is denied as malformed
      return new Request(subject, null, null, null, null, Map.of(), Map.of(), context);
    }
    return map(new ToolCall(name, args, subject, context));
  }

  /**
   * Returns the arguments in JSON text: an object (empty or blank text is no arguments), read as
   * AuthZEN arguments are (integers as {@code Long}/{@code BigInteger}, decimals exactly).
   *
   * @throws IllegalArgumentException if the text is not one JSON object or is longer than
   *     {@value #MAX_ARGUMENT_TEXT} characters
   */
  public static Map<String, Object> parseArguments(String json) {
    if (json == null || json.isBlank()) {
      return Map.of();
    }
    if (json.length() > MAX_ARGUMENT_TEXT) {
      throw new IllegalArgumentException("tool arguments are " + json.length() + " characters; at most "
          + MAX_ARGUMENT_TEXT + " are read");
    }
    return AuthZenCodec.parseObject(json, "tool arguments");
  }

  /** Builder for {@link ToolCallMapper}. */
  public static final class Builder {
    private final Map<String, Mapping> tools = new HashMap<>();
    private String resourcePrefix = "tools/";

    private Builder() {}

    /**
     * Maps framework tool {@code name} to a catalog tool, operation and resource template, e.g.
     * {@code tool("transfer_money", "payments", "transfer", "accounts/{/from}")}.
     *
     * @throws IllegalArgumentException for an operation that is not an identifier or a template with
     *     an unterminated or empty placeholder
     */
    public Builder tool(String name, String tool, String operation, String resourceTemplate) {
      return tool(name, new Mapping(tool, operation, resourceTemplate, null));
    }

    /** Maps framework tool {@code name} as {@code mapping} says. */
    public Builder tool(String name, Mapping mapping) {
      tools.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(mapping, "mapping"));
      return this;
    }

    /** Sets the prefix of the default resource ({@code tools/} by default: {@code tools/<tool>}). */
    public Builder defaultResourcePrefix(String prefix) {
      this.resourcePrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    public ToolCallMapper build() {
      return new ToolCallMapper(this);
    }
  }

  /** Resource templates: literal text with {@code {/json/pointer}} placeholders. */
  static final class Template {
    private Template() {}

    static void check(String t) {
      int i = 0;
      while ((i = t.indexOf('{', i)) >= 0) {
        int end = t.indexOf('}', i);
        if (end < 0) {
          throw new IllegalArgumentException("resource template '" + t + "' has an unterminated placeholder");
        }
        String ptr = t.substring(i + 1, end);
        if (!ptr.startsWith("/") || ptr.length() < 2) {
          throw new IllegalArgumentException("resource template '" + t + "': a placeholder is a JSON pointer such as"
              + " {/account_id}, was {" + ptr + "}");
        }
        i = end + 1;
      }
    }

    /** Returns the template filled from {@code args}, or null when a placeholder has no usable value. */
    static String fill(String t, Map<String, Object> args) {
      if (t.indexOf('{') < 0) {
        return t;
      }
      StringBuilder b = new StringBuilder(t.length() + 16);
      int i = 0;
      int open;
      while ((open = t.indexOf('{', i)) >= 0) {
        int end = t.indexOf('}', open);
        b.append(t, i, open);
        Object v = pointer(args, t.substring(open + 1, end));
        String s = v instanceof String ? (String) v
            : v instanceof Long || v instanceof Integer || v instanceof java.math.BigInteger ? v.toString() : null;
        if (s == null || s.isEmpty()) {
          return null;
        }
        b.append(s);
        i = end + 1;
      }
      return b.append(t, i, t.length()).toString();
    }

    /** Returns the value at a JSON pointer ({@code /a/b/0}, with {@code ~1} and {@code ~0} escapes), or null. */
    static Object pointer(Object root, String ptr) {
      Object cur = root;
      for (String raw : ptr.substring(1).split("/", -1)) {
        String key = raw.replace("~1", "/").replace("~0", "~");
        if (cur instanceof Map) {
          cur = ((Map<?, ?>) cur).get(key);
        } else if (cur instanceof List) {
          List<?> l = (List<?>) cur;
          int idx;
          try {
            idx = Integer.parseInt(key);
          } catch (NumberFormatException e) {
            return null;
          }
          cur = idx >= 0 && idx < l.size() ? l.get(idx) : null;
        } else {
          return null;
        }
        if (cur == null) {
          return null;
        }
      }
      return cur;
    }
  }
}
