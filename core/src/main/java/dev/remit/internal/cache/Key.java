package dev.remit.internal.cache;

import dev.remit.Request;
import dev.remit.internal.policy.Attr;
import dev.remit.spi.StageReads;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cache key; one mutable instance per thread probes the cache, and a frozen copy is stored.
 * Values compare by class and equality, so an Integer 5 and a Double 5.0 are different keys
 * (their decision messages print differently), and only immutable scalars are keyed: a request
 * carrying anything else where the key would read it is not cached.
 *
 * <p>For a decision stage that reads the whole request, the key also holds the request's
 * arguments, resource properties and context (but {@code traceparent} and {@code intent}); they
 * are the request's own deep read-only copies, compared deeply.
 */
final class Key {
  String subject;
  String tool;
  String operation;
  String resource;
  String resourceType;
  Object task;
  Object[] values;
  int n;
  Map<String, Object> args;
  Map<String, Object> properties;
  Map<String, Object> context;
  int hash;

  Key() {
    this.values = new Object[8];
  }

  /** Fills this probe from {@code r}; returns false if the request cannot be keyed. */
  boolean fill(Request r, DecisionCache.Plan p) {
    subject = r.subject();
    tool = r.tool();
    operation = r.operation();
    resource = r.resource();
    resourceType = p.resourceType ? r.resourceType() : null;
    task = r.context().get("task");
    if (task != null && !isScalar(task)) {
      return false;
    }
    Attr[] attrs = p.attrs;
    if (values.length < attrs.length) {
      values = new Object[attrs.length];
    }
    int h = Objects.hashCode(subject);
    h = 31 * h + Objects.hashCode(tool);
    h = 31 * h + Objects.hashCode(operation);
    h = 31 * h + Objects.hashCode(resource);
    h = 31 * h + Objects.hashCode(resourceType);
    h = 31 * h + Objects.hashCode(task);
    for (int i = 0; i < attrs.length; i++) {
      Object v = attrs[i].resolve(r);
      if (!isScalar(v)) {
        n = i;
        return false;
      }
      values[i] = v;
      h = 31 * h + v.hashCode();
    }
    n = attrs.length;
    if (p.wholeInput) {
      int ha = deepHash(r.args(), false, 0);
      int hp = deepHash(r.resourceProperties(), false, 0);
      int hc = deepHash(r.context(), true, 0);
      if (ha == UNKEYABLE || hp == UNKEYABLE || hc == UNKEYABLE) {
        return false;
      }
      args = r.args();
      properties = r.resourceProperties();
      context = r.context();
      h = 31 * (31 * (31 * h + ha) + hp) + hc;
    }
    hash = h;
    return true;
  }

  Key freeze() {
    return new Key(this);
  }

  private Key(Key probe) {
    this.subject = probe.subject;
    this.tool = probe.tool;
    this.operation = probe.operation;
    this.resource = probe.resource;
    this.resourceType = probe.resourceType;
    this.task = probe.task;
    this.values = Arrays.copyOf(probe.values, probe.n);
    this.n = probe.n;
    this.args = probe.args;
    this.properties = probe.properties;
    this.context = probe.context;
    this.hash = probe.hash;
  }

  /** Drops the references to the last request, so a probe does not keep it alive. */
  void clear() {
    subject = tool = operation = resource = resourceType = null;
    task = null;
    Arrays.fill(values, 0, n, null);
    n = 0;
    args = properties = context = null;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Key)) {
      return false;
    }
    Key k = (Key) o;
    if (hash != k.hash || n != k.n || !Objects.equals(subject, k.subject) || !Objects.equals(tool, k.tool)
        || !Objects.equals(operation, k.operation) || !Objects.equals(resource, k.resource)
        || !Objects.equals(resourceType, k.resourceType) || !same(task, k.task)) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!same(values[i], k.values[i])) {
        return false;
      }
    }
    if ((args == null) != (k.args == null)) {
      return false;
    }
    return args == null || (deepEqual(args, k.args, false) && deepEqual(properties, k.properties, false)
        && deepEqual(context, k.context, true));
  }

  static boolean same(Object a, Object b) {
    return a == b || (a != null && b != null && a.getClass() == b.getClass() && a.equals(b));
  }

  static boolean isScalar(Object v) {
    if (v == Attr.MISSING || v instanceof String) {
      return true;
    }
    if (v == null) {
      return false;
    }
    Class<?> c = v.getClass();
    return c == Double.class || c == Long.class || c == Integer.class || c == Boolean.class
        || c == BigDecimal.class || c == BigInteger.class || c == Float.class || c == Short.class
        || c == Byte.class;
  }

  private static final int UNKEYABLE = 0x7fffffff;
  /** Nesting is bounded by the request's own copy (32 levels); this only guards the walk. */
  private static final int MAX_DEPTH = 64;

  /** Returns a hash of a request value, or {@link #UNKEYABLE} if it holds something not keyable. */
  private static int deepHash(Object v, boolean topContext, int depth) {
    if (depth > MAX_DEPTH) {
      return UNKEYABLE;
    }
    if (v == null) {
      return 0;
    }
    if (v instanceof Map) {
      int h = 1;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (topContext && StageReads.AUDIT_ONLY_CONTEXT.contains(e.getKey())) {
          continue;
        }
        int x = deepHash(e.getValue(), false, depth + 1);
        if (x == UNKEYABLE) {
          return UNKEYABLE;
        }
        h += Objects.hashCode(e.getKey()) ^ x; // order-independent, as map equality is
      }
      return h == UNKEYABLE ? h - 1 : h;
    }
    if (v instanceof List) {
      int h = 1;
      for (Object o : (List<?>) v) {
        int x = deepHash(o, false, depth + 1);
        if (x == UNKEYABLE) {
          return UNKEYABLE;
        }
        h = 31 * h + x;
      }
      return h == UNKEYABLE ? h - 1 : h;
    }
    if (!isScalar(v)) {
      return UNKEYABLE;
    }
    int h = v.hashCode();
    return h == UNKEYABLE ? h - 1 : h;
  }

  private static boolean deepEqual(Object a, Object b, boolean topContext) {
    if (a instanceof Map && b instanceof Map) {
      Map<?, ?> x = (Map<?, ?>) a;
      Map<?, ?> y = (Map<?, ?>) b;
      int nx = 0;
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (topContext && StageReads.AUDIT_ONLY_CONTEXT.contains(e.getKey())) {
          continue;
        }
        nx++;
        if (!y.containsKey(e.getKey()) || !deepEqual(e.getValue(), y.get(e.getKey()), false)) {
          return false;
        }
      }
      int ny = 0;
      for (Object k : y.keySet()) {
        if (!(topContext && StageReads.AUDIT_ONLY_CONTEXT.contains(k))) {
          ny++;
        }
      }
      return nx == ny;
    }
    if (a instanceof List && b instanceof List) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!deepEqual(x.get(i), y.get(i), false)) {
          return false;
        }
      }
      return true;
    }
    return same(a, b);
  }
}
