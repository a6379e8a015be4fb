package dev.remit.internal.policy;

import dev.remit.Agent;
import dev.remit.Request;
import dev.remit.Tool;
import java.util.Map;
import dev.remit.internal.engine.Call;
import dev.remit.internal.Unreadable;

/** A compiled attribute path, resolved against a call without allocating. */
public final class Attr {
  /** Returned by {@link #resolve} when the call has no such attribute. */
  public static final Object MISSING = new Object() {
    @Override
    public String toString() {
      return "<missing>";
    }
  };

  /**
   * Returned by {@link #resolve} when the path runs through a present value that is not an object
   * ({@code args.payee.country} with {@code payee} a string or a list). It is not {@link #MISSING}:
   * the call carries something there, of the wrong type, so a condition on it is a type mismatch and
   * a rule with {@code on_missing: not_applicable} is not skipped. It is no scalar, so a decision
   * that read it is never cached, and an approval binds it as a text no real value has.
   */
  public static final Object NOT_AN_OBJECT = new NotAnObject();

  /** The class of {@link #NOT_AN_OBJECT}; named, as decision messages print a value's class name. */
  private static final class NotAnObject {
    @Override
    public String toString() {
      return "<inside a value that is not an object>";
    }
  }

  private static final int ARGS = 0;
  private static final int RESOURCE = 1;
  private static final int CONTEXT = 2;
  private static final int AGENT = 3;
  private static final int TOOL = 4;

  private final String path;
  private final int root;
  private final String[] fields;

  private Attr(String path) {
    this.path = path;
    int dot = path.indexOf('.');
    switch (path.substring(0, dot)) {
      case "args": root = ARGS; break;
      case "resource": root = RESOURCE; break;
      case "context": root = CONTEXT; break;
      case "agent": root = AGENT; break;
      case "tool": root = TOOL; break;
      default: throw new IllegalArgumentException("unknown attribute root in " + path);
    }
    this.fields = path.substring(dot + 1).split("\\.");
  }

  /** Returns the compiled form of a path {@link ConstraintParser#checkAttribute} accepted. */
  public static Attr compile(String path) {
    ConstraintParser.requireAttribute(path);
    return new Attr(path);
  }

  public String path() {
    return path;
  }

  /**
   * Returns whether the value comes from the request alone (args, context, resource id, type or
   * property) rather than from the policy (agent, tool).
   */
  public boolean fromRequest() {
    return root == ARGS || root == CONTEXT || root == RESOURCE;
  }

  /** Returns whether this is {@code resource.type}. */
  public boolean isResourceType() {
    return root == RESOURCE && fields.length == 1 && fields[0].equals("type");
  }

  /** Returns whether this is {@code resource.id}. */
  public boolean isResourceId() {
    return root == RESOURCE && fields.length == 1 && fields[0].equals("id");
  }

  /**
   * Returns the value of a {@link #fromRequest} attribute in {@code r}, {@link #MISSING}, or
   * {@link #NOT_AN_OBJECT}.
   */
  public Object resolve(Request r) {
    switch (root) {
      case ARGS:
        return walk(r.args(), 0);
      case CONTEXT:
        return walk(r.context(), 0);
      case RESOURCE:
        if (fields.length == 1 && fields[0].equals("id")) {
          return r.resource() == null ? MISSING : r.resource();
        }
        if (fields.length == 1 && fields[0].equals("type")) {
          return r.resourceType() == null ? MISSING : r.resourceType();
        }
        return walk(r.resourceProperties(), 0);
      default:
        throw new IllegalStateException(path + " does not come from the request");
    }
  }

  /** Returns the attribute's value in the call, {@link #MISSING}, or {@link #NOT_AN_OBJECT}. */
  public Object resolve(Call call) {
    Object v;
    switch (root) {
      case ARGS:
      case CONTEXT:
      case RESOURCE:
        return resolve(call.request);
      case AGENT:
        v = fields.length == 1 ? agentField(call.agent, fields[0]) : null;
        return v == null ? MISSING : v;
      case TOOL:
        v = fields.length == 1 ? toolField(call, fields[0]) : null;
        return v == null ? MISSING : v;
      default:
        return MISSING;
    }
  }

  private Object walk(Map<String, Object> m, int from) {
    Object cur = m;
    for (int i = from; i < fields.length; i++) {
      if (!(cur instanceof Map)) {
        return cur == null ? MISSING : NOT_AN_OBJECT;
      }
      Map<?, ?> map = (Map<?, ?>) cur;
      cur = map.get(fields[i]);
      if (cur == null) {
        return MISSING;
      }
      if (cur instanceof Unreadable) {
        throw ((Unreadable) cur).failure(); // fails the decision closed: EVALUATION_ERROR
      }
    }
    return cur;
  }

  private static Object agentField(Agent a, String f) {
    switch (f) {
      case "id": return a.id();
      case "owner": return a.owner();
      case "purpose": return a.purpose();
      case "environment": return a.environment();
      case "role": return a.role();
      case "partOf": return a.partOf();
      case "state": return a.state().name().toLowerCase(java.util.Locale.ROOT);
      default: return null;
    }
  }

  private static Object toolField(Call call, String f) {
    Tool t = call.tool;
    switch (f) {
      case "name": return t.name();
      case "operation": return call.request.operation();
      case "risk": return call.risk.wireName();
      default: return t.attributes().get(f);
    }
  }

  @Override
  public String toString() {
    return path;
  }
}
