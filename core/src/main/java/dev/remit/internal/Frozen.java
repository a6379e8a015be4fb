package dev.remit.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, read-only copies of request maps. A request is read more than once (the decision cache
 * keys on nested values, evaluation reads them again, the audit trail digests them later), so a
 * nested map or list the host could still change, or that answers differently each time it is
 * read, would let a decision be cached or recorded under values it was not made on. Maps and
 * lists at any depth are copied once, here; other values are kept as they are (the cache keys only
 * immutable scalars and evaluates everything else afresh).
 */
public final class Frozen {
  /** Nesting deeper than this is not copied but replaced by an {@link Unreadable} (cycles, bombs). */
  public static final int MAX_DEPTH = 32;

  private Frozen() {}

  /**
   * Returns a read-only deep copy of {@code m} (insertion order and null values kept). Every map
   * and list is read exactly once, by one iteration, so one that answers differently each time it
   * is asked is pinned to a single answer.
   */
  public static Map<String, Object> map(Map<String, Object> m, String path) {
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      Object v = e.getValue();
      // a path is built only for a nested container (it names an unreadable value); scalars, the
      // common case, cost one instanceof each
      out.put(e.getKey(), isContainer(v) ? value(v, path + "." + e.getKey(), 1) : v);
    }
    return out.isEmpty() ? Map.of() : Collections.unmodifiableMap(out);
  }

  /**
   * Returns whether no value inside {@code v} (a copy made here) is an {@link Unreadable} marker,
   * whose text says nothing about what it held. Walks the copy; builds nothing.
   */
  public static boolean readable(Object v) {
    if (v instanceof Unreadable) {
      return false;
    }
    if (v instanceof Map) {
      for (Object x : ((Map<?, ?>) v).values()) {
        if (!readable(x)) {
          return false;
        }
      }
    } else if (v instanceof List) {
      for (Object x : (List<?>) v) {
        if (!readable(x)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isContainer(Object v) {
    return v instanceof Map || v instanceof List;
  }

  @SuppressWarnings("unchecked")
  private static Object value(Object v, String path, int depth) {
    if (depth > MAX_DEPTH) {
      return new Unreadable(path, "nested deeper than " + MAX_DEPTH + " levels");
    }
    try {
      if (v instanceof Map) {
        LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : ((Map<Object, Object>) v).entrySet()) {
          Object x = e.getValue();
          out.put(e.getKey(), isContainer(x) ? value(x, path + "." + e.getKey(), depth + 1) : x);
        }
        return out.isEmpty() ? Map.of() : Collections.unmodifiableMap(out);
      }
      List<Object> out = new ArrayList<>();
      for (Object x : (List<Object>) v) {
        out.add(isContainer(x) ? value(x, path + "[]", depth + 1) : x);
      }
      return Collections.unmodifiableList(out);
    } catch (Exception e) { // also a checked exception thrown without being declared
      return new Unreadable(path, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
