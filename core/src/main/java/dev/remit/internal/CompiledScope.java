package dev.remit.internal;

import dev.remit.Scope;
import java.util.List;

/** A compiled {@link Scope}: tool and resource globs and an operation set. */
public final class CompiledScope {
  private final Scope source;
  private final Glob[] tools;
  private final String[] operations;
  private final boolean anyOperation;
  private final Glob[] resources;

  public CompiledScope(Scope s) {
    this.source = s;
    this.tools = s.tools().stream().map(Interner::glob).toArray(Glob[]::new);
    this.anyOperation = s.operations().contains("*");
    this.operations = s.operations().toArray(new String[0]);
    this.resources = s.resources().stream().map(Glob::compile).toArray(Glob[]::new);
  }

  public Scope source() {
    return source;
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

  /** Returns whether any of the scopes covers the call. */
  public static boolean anyCovers(CompiledScope[] scopes, String tool, String op, String resource) {
    for (CompiledScope s : scopes) {
      if (s.covers(tool, op, resource)) {
        return true;
      }
    }
    return false;
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

  /** Returns null if every inner scope fits inside one of the outer scopes, else why not. */
  public static String containment(List<Scope> inner, List<Scope> outer, String outerName) {
    for (int i = 0; i < inner.size(); i++) {
      Scope s = inner.get(i);
      String bestWhy = null;
      int bestStage = -1;
      boolean ok = false;
      for (Scope o : outer) {
        String why = containment(s, o);
        if (why == null) {
          ok = true;
          break;
        }
        // report the outer scope that came closest (its tools fit, then its operations), so the
        // message names the part that actually widens rather than an unrelated scope's tools
        int stage = why.startsWith("tool") ? 0 : why.startsWith("operation") ? 1 : 2;
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

  static String describe(Scope s) {
    return "{tools " + s.tools() + ", operations " + s.operations() + ", resources "
        + s.resources() + "}";
  }
}
