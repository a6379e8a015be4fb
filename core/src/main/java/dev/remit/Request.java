package dev.remit;

import dev.remit.internal.Frozen;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One action an agent wants to take: which identity calls which tool operation on which resource,
 * with which arguments, in which context. Mirrors an AuthZEN access-evaluation request: subject =
 * the agent or component, action = the tool operation and its arguments, resource, context.
 *
 * <p>Fields are not validated here, so that a malformed request reaches {@link Remit#authorize}
 * and is denied with a reason rather than thrown at the caller; only null maps are replaced by
 * empty ones. Well-known context keys: {@code task} (restricts matching to grants of that task),
 * {@code approval} (id of an approval for this exact call), {@code traceparent}, {@code intent},
 * {@code invoker}.
 *
 * <p><b>Immutable.</b> The maps are copied deeply when the request is built: nested maps and lists
 * become read-only copies, each read exactly once, so a map the host changes later (or one that
 * answers differently each time it is read) cannot make the decision, the decision cache and the
 * audit record see different values. A nested value that throws while it is copied, or nesting
 * deeper than 32 levels (a cycle), is kept as an unreadable marker: a decision that needs it is
 * denied with {@code EVALUATION_ERROR}. Other values (strings, numbers, the host's own objects)
 * are kept as they are.
 *
 * @param subject id of the acting agent or component
 * @param tool tool name
 * @param operation operation of the tool
 * @param resource id of the resource acted on
 * @param resourceType type of the resource, or null
 * @param args the call's arguments
 * @param resourceProperties attributes of the resource, e.g. {@code classification}
 * @param context request context, e.g. {@code risk_score}, {@code task}, {@code approval}
 */
public record Request(
    String subject, String tool, String operation, String resource, String resourceType,
    Map<String, Object> args, Map<String, Object> resourceProperties, Map<String, Object> context) {

  public Request {
    // deep read-only copies: nested maps and lists are copied too, so nothing the host still holds
    // can change what the decision, the cache key and the audit record each read
    args = args == null ? Map.of() : Frozen.map(args, "args");
    resourceProperties = resourceProperties == null ? Map.of() : Frozen.map(resourceProperties, "resource.properties");
    context = context == null ? Map.of() : Frozen.map(context, "context");
  }

  /** Returns a builder for a call by {@code subject} of {@code tool}.{@code operation}. */
  public static Builder of(String subject, String tool, String operation) {
    return new Builder(subject, tool, operation);
  }

  /** Returns a copy with one more context entry (e.g. an approval id). */
  public Request withContext(String key, Object value) {
    Map<String, Object> c = new LinkedHashMap<>(context);
    c.put(key, value);
    return new Request(subject, tool, operation, resource, resourceType, args, resourceProperties, c);
  }

  /** Returns the task id from {@code context.task}, or null. */
  public String task() {
    Object t = context.get("task");
    return t instanceof String ? (String) t : null;
  }

  /** Builder for {@link Request}. */
  public static final class Builder {
    private final String subject;
    private final String tool;
    private final String operation;
    private String resource;
    private String resourceType;
    private final Map<String, Object> args = new LinkedHashMap<>();
    private final Map<String, Object> resourceProperties = new LinkedHashMap<>();
    private final Map<String, Object> context = new LinkedHashMap<>();

    private Builder(String subject, String tool, String operation) {
      this.subject = subject;
      this.tool = tool;
      this.operation = operation;
    }

    public Builder resource(String id) {
      this.resource = id;
      return this;
    }

    public Builder resource(String type, String id) {
      this.resourceType = type;
      this.resource = id;
      return this;
    }

    public Builder arg(String name, Object value) {
      args.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    public Builder resourceProperty(String name, Object value) {
      resourceProperties.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    public Builder context(String key, Object value) {
      context.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    public Builder task(String taskId) {
      return context("task", taskId);
    }

    public Builder approval(String approvalId) {
      return context("approval", approvalId);
    }

    public Request build() {
      return new Request(subject, tool, operation, resource, resourceType, args,
          resourceProperties, context);
    }
  }
}
