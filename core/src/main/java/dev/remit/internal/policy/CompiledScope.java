package dev.remit.internal.policy;

import dev.remit.Constraint;
import dev.remit.Scope;
import java.util.ArrayList;
import java.util.List;
import dev.remit.internal.engine.Call;

/** A compiled {@link Scope}: tool and resource globs, an operation set and the scope's constraints. */
public final class CompiledScope {
  /** {@link #match} result: a scope covers the call and all its constraints hold. */
  public static final long ALLOWED = -1;
  /** {@link #match} result: no scope covers the tool, operation and resource. */
  public static final long NOT_COVERED = -2;
  private static final Condition[] NO_CONDITIONS = new Condition[0];

  private final Scope source;
  private final Glob[] tools;
  private final String[] operations;
  private final boolean anyOperation;
  private final Glob[] resources;
  private final Condition[] constraints;

  public CompiledScope(Scope s) {
    this.source = s;
    this.tools = s.tools().stream().map(Interner::glob).toArray(Glob[]::new);
    this.anyOperation = s.operations().contains("*");
    this.operations = s.operations().toArray(new String[0]);
    this.resources = s.resources().stream().map(Glob::compile).toArray(Glob[]::new);
    this.constraints = s.constraints().isEmpty() ? NO_CONDITIONS
        : s.constraints().stream().map(Interner::condition).toArray(Condition[]::new);
  }

  public Scope source() {
    return source;
  }

  /** Returns the compiled constraints of this scope; do not modify. */
  public Condition[] constraints() {
    return constraints;
  }

  /** Returns whether the scope covers the call. */
  public boolean covers(String tool, String operation, String resource) {
    return anyMatch(tools, tool) && hasOperation(operation) && anyMatch(resources, resource);
  }

  private boolean hasOperation(String op) {
    if (anyOperation) {
      return true;
    }
    for (String o : operations) {
      if (o.equals(op)) {
        return true;
      }
    }
    return false;
  }

  /** Returns whether any of the globs matches {@code name}. */
  static boolean anyMatch(Glob[] globs, String name) {
    for (Glob g : globs) {
      if (g.matches(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether any of the scopes covers the tool, operation and resource, whatever their
   * constraints; {@link #match} also evaluates the constraints.
   */
  public static boolean anyCovers(CompiledScope[] scopes, String tool, String op, String resource) {
    for (CompiledScope s : scopes) {
      if (s.covers(tool, op, resource)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns {@link #ALLOWED} if some scope covers the call and all of that scope's constraints
   * hold, {@link #NOT_COVERED} if no scope covers its tool, operation and resource, and otherwise
   * the first failing constraint of the first covering scope, encoded (see {@link #failedScope},
   * {@link #failedConstraint}, {@link #failedResult}). Allocates nothing.
   */
  public static long match(CompiledScope[] scopes, Call call) {
    dev.remit.Request r = call.request;
    long failure = NOT_COVERED;
    for (int i = 0; i < scopes.length; i++) {
      CompiledScope s = scopes[i];
      if (!s.covers(r.tool(), r.operation(), r.resource())) {
        continue;
      }
      Condition[] cs = s.constraints;
      int failed = -1;
      int res = Condition.TRUE;
      for (int j = 0; j < cs.length; j++) {
        res = cs[j].evaluate(call);
        if (res != Condition.TRUE) {
          failed = j;
          break;
        }
      }
      if (failed < 0) {
        return ALLOWED;
      }
      if (failure == NOT_COVERED) {
        failure = ((long) i << 32) | ((long) failed << 3) | res;
      }
    }
    return failure;
  }

  /** Returns the index of the scope whose constraint failed, from a failing {@link #match} result. */
  public static int failedScope(long match) {
    return (int) (match >>> 32);
  }

  /** Returns the index of the constraint that failed in its scope, from a failing {@link #match} result. */
  public static int failedConstraint(long match) {
    return (int) (match & 0xFFFF_FFFFL) >>> 3;
  }

  /** Returns the {@link Condition} result of the failed constraint, from a failing {@link #match} result. */
  public static int failedResult(long match) {
    return (int) (match & 7);
  }

  /** Returns the compiled forms of the scopes. */
  public static CompiledScope[] compile(List<Scope> scopes) {
    return scopes.stream().map(CompiledScope::new).toArray(CompiledScope[]::new);
  }

  /**
   * Returns null if {@code inner} is contained in {@code outer}, else why not. Sound: a true
   * containment may be reported as not proven, never the reverse.
   */
  public static String containment(Scope inner, Scope outer) {
    for (String t : inner.tools()) {
      if (outer.tools().stream().noneMatch(o -> Glob.subsumes(o, t))) {
        return "tool pattern '" + t + "' is not within " + outer.tools();
      }
    }
    if (!outer.operations().contains("*")) {
      for (String op : inner.operations()) {
        if (!outer.operations().contains(op)) {
          return "operation '" + op + "' is not within " + outer.operations();
        }
      }
    }
    for (String r : inner.resources()) {
      if (outer.resources().stream().noneMatch(o -> Glob.subsumes(o, r))) {
        return "resource pattern '" + r + "' is not within " + outer.resources();
      }
    }
    return null;
  }

  /**
   * Returns null if every inner scope fits inside one of the outer scopes, else why not. An inner
   * scope fits an outer one when its tools, operations and resources are within the outer scope's
   * and every constraint of the outer scope is implied by one of the inner scope's own constraints
   * or of {@code innerConstraints} (the constraints of the grant the inner scopes belong to, which
   * hold for every call it covers). Sound: a true containment may be reported as not proven, never
   * the reverse.
   */
  public static String containment(List<Scope> inner, List<Constraint> innerConstraints, List<Scope> outer,
      String outerName) {
    for (int i = 0; i < inner.size(); i++) {
      Scope s = inner.get(i);
      List<Condition> kept = null;
      String bestWhy = null;
      int bestStage = -1;
      boolean ok = false;
      for (int j = 0; j < outer.size(); j++) {
        Scope o = outer.get(j);
        String why = containment(s, o);
        if (why == null && !o.constraints().isEmpty()) {
          if (kept == null) {
            kept = conditions(s.constraints(), innerConstraints);
          }
          Constraint lost = firstNotImplied(o.constraints(), kept);
          if (lost != null) {
            why = "it drops or loosens constraint '" + lost + "' of the scope " + describe(o)
                + " it falls in (repeat it or state a stricter one)";
          }
        }
        if (why == null) {
          ok = true;
          break;
        }
        // report the outer scope that came closest (its tools fit, then its operations, then its
        // resources), so the message names the part that actually widens rather than an unrelated
        // scope's tools
        int stage = why.startsWith("tool") ? 0 : why.startsWith("operation") ? 1 : why.startsWith("resource") ? 2 : 3;
        if (stage > bestStage) {
          bestStage = stage;
          bestWhy = why;
        }
      }
      if (!ok) {
        return "scope " + i + " " + describe(s) + " exceeds " + outerName
            + (outer.size() == 1 ? ": " + bestWhy : " (no single scope of it contains it; closest: "
                + bestWhy + ")");
      }
    }
    return null;
  }

  /** Returns the compiled forms of two lists of constraints, together. */
  static List<Condition> conditions(List<Constraint> a, List<Constraint> b) {
    List<Condition> out = new ArrayList<>(a.size() + b.size());
    a.forEach(c -> out.add(Interner.condition(c)));
    b.forEach(c -> out.add(Interner.condition(c)));
    return out;
  }

  /**
   * Returns the first of {@code required} that no condition of {@code kept} implies (so a call
   * satisfying all of {@code kept} is not proven to satisfy it), or null if all are implied.
   */
  static Constraint firstNotImplied(List<Constraint> required, List<Condition> kept) {
    for (Constraint rc : required) {
      Condition r = Interner.condition(rc);
      boolean implied = false;
      for (Condition k : kept) {
        if (k.implies(r)) {
          implied = true;
          break;
        }
      }
      if (!implied) {
        return rc;
      }
    }
    return null;
  }

  static String describe(Scope s) {
    return "{tools " + s.tools() + ", operations " + s.operations() + ", resources "
        + s.resources() + (s.constraints().isEmpty() ? "" : ", constraints " + s.constraints()) + "}";
  }
}
