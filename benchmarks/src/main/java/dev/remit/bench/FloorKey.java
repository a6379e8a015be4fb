package dev.remit.bench;

import dev.remit.Request;
import java.util.Arrays;
import java.util.Objects;

/**
 * A copy of the decision cache's key ({@code dev.remit.internal.cache.DecisionCache.Key}, package-private
 * there): subject, tool, operation, resource, resource type, {@code context.task} and the values of
 * the request attributes the policy's constraints and rules read, with the hash computed while
 * filling. Like the cache, a per-thread mutable probe is filled from each request and used for the
 * lookup; a frozen copy is what the map stores. The floor benchmarks use it so they pay exactly
 * the key work {@code cachedHit} pays, and nothing else.
 */
final class FloorKey {
  static final Object MISSING = new Object();

  String subject;
  String tool;
  String operation;
  String resource;
  String resourceType;
  Object task;
  Object[] values;
  int n;
  int hash;

  FloorKey(int attrs) {
    this.values = new Object[attrs];
  }

  /** Fills the probe; {@code args} are the argument names the scenario's policy reads. */
  FloorKey fill(Request r, String[] args) {
    subject = r.subject();
    tool = r.tool();
    operation = r.operation();
    resource = r.resource();
    resourceType = null;
    task = r.context().get("task");
    int h = Objects.hashCode(subject);
    h = 31 * h + Objects.hashCode(tool);
    h = 31 * h + Objects.hashCode(operation);
    h = 31 * h + Objects.hashCode(resource);
    h = 31 * h + Objects.hashCode(resourceType);
    h = 31 * h + Objects.hashCode(task);
    for (int i = 0; i < args.length; i++) {
      Object v = r.args().get(args[i]);
      if (v == null) {
        v = MISSING;
      }
      values[i] = v;
      h = 31 * h + v.hashCode();
    }
    n = args.length;
    hash = h;
    return this;
  }

  FloorKey freeze() {
    FloorKey k = new FloorKey(n);
    k.subject = subject;
    k.tool = tool;
    k.operation = operation;
    k.resource = resource;
    k.resourceType = resourceType;
    k.task = task;
    k.values = Arrays.copyOf(values, n);
    k.n = n;
    k.hash = hash;
    return k;
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
    if (!(o instanceof FloorKey)) {
      return false;
    }
    FloorKey k = (FloorKey) o;
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
    return true;
  }

  private static boolean same(Object a, Object b) {
    return a == b || (a != null && b != null && a.getClass() == b.getClass() && a.equals(b));
  }
}
