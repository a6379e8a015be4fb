package dev.remit.internal.audit;

import dev.remit.AuditRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Replaces values at configured field paths with {@value #REDACTED}. */
public final class Redactor {
  public static final String REDACTED = "[REDACTED]";
  private static final Set<String> ROOTS = Set.of("args", "context", "changes", "invoker", "resource");

  private final List<String[]> paths = new ArrayList<>();

  public Redactor(List<String> paths) {
    for (String p : paths) {
      check(p);
      this.paths.add(p.split("\\.", -1));
    }
  }

  /** Throws if the path is not a valid redaction path. */
  public static void check(String path) {
    String[] seg = path.split("\\.", -1);
    if (!ROOTS.contains(seg[0])) {
      throw new IllegalArgumentException("redaction path '" + path + "' must start with one of "
          + new java.util.TreeSet<>(ROOTS));
    }
    for (String s : seg) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("redaction path '" + path + "' has an empty segment");
      }
    }
    if ((seg[0].equals("invoker") || seg[0].equals("resource")) && seg.length > 1) {
      throw new IllegalArgumentException("redaction path '" + path + "': " + seg[0] + " has no fields");
    }
    if (seg.length == 1 && !seg[0].equals("invoker") && !seg[0].equals("resource")) {
      throw new IllegalArgumentException("redaction path '" + path + "' must name a field under " + seg[0]);
    }
  }

  /** Returns whether the top-level field (invoker, resource) is redacted. */
  public boolean redactsField(String root) {
    for (String[] p : paths) {
      if (p.length == 1 && p[0].equals(root)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns an authority record with what the configured paths cover replaced. Only an approval
   * holds call data: its {@code resource} (path {@code resource}) and its {@code bound} attributes,
   * each of which is replaced when a path covers it, lies inside it or contains it (path
   * {@code args.card} covers the bound {@code args.card} and the bound {@code args}, whose value
   * holds every argument; {@code resource} covers {@code resource.*}, {@code invoker} covers
   * {@code context.invoker}). Grants, scopes and policies hold patterns and ids, not call data,
   * and are left as they are. The record keeps its shape: a value becomes {@value #REDACTED}.
   */
  public AuditRecord.AuthorityRecord apply(AuditRecord.AuthorityRecord r) {
    if (paths.isEmpty() || !AuditRecord.AuthorityRecord.APPROVAL.equals(r.target())) {
      return r;
    }
    Map<String, Object> details = r.details();
    Map<String, Object> out = null;
    if (redactsField("resource") && details.get("resource") != null) {
      out = new LinkedHashMap<>(details);
      out.put("resource", REDACTED);
    }
    if (details.get("bound") instanceof Map) {
      Map<?, ?> bound = (Map<?, ?>) details.get("bound");
      Map<String, Object> b = null;
      for (Map.Entry<?, ?> e : bound.entrySet()) {
        if (covers(String.valueOf(e.getKey()))) {
          if (b == null) {
            b = new LinkedHashMap<>();
            for (Map.Entry<?, ?> x : bound.entrySet()) {
              b.put(String.valueOf(x.getKey()), x.getValue());
            }
          }
          b.put(String.valueOf(e.getKey()), REDACTED);
        }
      }
      if (b != null) {
        if (out == null) {
          out = new LinkedHashMap<>(details);
        }
        out.put("bound", b);
      }
    }
    return out == null ? r : new AuditRecord.AuthorityRecord(r.time(), r.seq(), r.action(), r.actor(), r.target(),
        r.id(), r.affected(), out);
  }

  /** Whether some path and the attribute path are equal, or one lies inside the other ({@code *} matches any key). */
  private boolean covers(String attribute) {
    String[] a = attribute.split("\\.", -1);
    for (String[] p : paths) {
      String[] q = p.length == 1 && p[0].equals("invoker") ? new String[] {"context", "invoker"} : p;
      boolean match = true;
      for (int i = 0; i < Math.min(q.length, a.length) && match; i++) {
        match = q[i].equals("*") || q[i].equals(a[i]);
      }
      if (match) {
        return true;
      }
    }
    return false;
  }

  /** Returns a copy of {@code map} (the value of field {@code root}) with redacted paths replaced. */
  public Map<String, Object> apply(String root, Map<String, Object> map) {
    if (map.isEmpty()) {
      return map;
    }
    Map<String, Object> out = map;
    for (String[] p : paths) {
      if (p.length > 1 && p[0].equals(root)) {
        out = redact(out, p, 1);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> redact(Map<String, Object> map, String[] path, int i) {
    Map<String, Object> copy = null;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (!path[i].equals("*") && !path[i].equals(e.getKey())) {
        continue;
      }
      Object replacement;
      if (i == path.length - 1) {
        replacement = REDACTED;
      } else if (e.getValue() instanceof Map) {
        replacement = redact((Map<String, Object>) e.getValue(), path, i + 1);
      } else if (e.getValue() instanceof List) {
        List<Object> l = new ArrayList<>();
        for (Object o : (List<Object>) e.getValue()) {
          l.add(o instanceof Map ? redact((Map<String, Object>) o, path, i + 1) : o);
        }
        replacement = l;
      } else {
        continue;
      }
      if (copy == null) {
        copy = new LinkedHashMap<>(map);
      }
      copy.put(e.getKey(), replacement);
    }
    return copy == null ? map : copy;
  }
}
