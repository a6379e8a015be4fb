package dev.remit.internal.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remit.Constraint;
import dev.remit.CredentialSpec;
import dev.remit.Grant;
import dev.remit.Problem;
import dev.remit.Scope;
import dev.remit.TimeWindow;
import dev.remit.Tool;
import dev.remit.internal.policy.PolicyNodes.Item;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Maps the grant part of the policy format onto the model: grants, scopes, time windows,
 * credentials, constraints, instants and durations. A policy document's grants, entitlements and
 * rules are read with it, and so are grants and scopes outside a document ({@link GrantReader}):
 * one mapping, one set of messages. Like the rest of the mapping, each method reports what is
 * wrong at its exact path and returns null (or leaves the element out) instead of throwing.
 */
final class GrantDocument {
  static final List<String> GRANT = List.of("id", "principal", "holder", "parent", "task", "scopes",
      "constraints", "not_before", "expires_at", "window", "max_calls", "credential");
  /** A grant outside a document may give its lifetime from issuance instead of an expiry. */
  static final List<String> ISSUED_GRANT = List.of("id", "principal", "holder", "parent", "task",
      "scopes", "constraints", "not_before", "expires_at", "ttl", "window", "max_calls", "credential");
  static final List<String> SCOPE = List.of("tools", "operations", "resources", "constraints");
  static final List<String> WINDOW = List.of("start", "end", "zone", "days");
  static final List<String> CREDENTIAL = List.of("audience", "scopes", "ttl");
  static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

  private final PolicyNodes n;
  private final PolicyProblems out;
  /** Tools that scopes must name, or null to leave that check to the policy's own validation. */
  private final Collection<Tool> catalog;

  /**
   * @param catalog when not null, every scope read is checked against these tools at once (tool
   *     patterns must match one, named operations must be theirs); a policy document passes null
   *     because {@link Validation} checks its scopes against its own catalog once it is read
   */
  GrantDocument(PolicyNodes n, Collection<Tool> catalog) {
    this.n = n;
    this.out = n.problems();
    this.catalog = catalog;
  }

  /**
   * Returns the grant at {@code it} as a builder that builds without error, or null.
   *
   * @param issued whether {@code ttl} (a lifetime from issuance) may stand instead of {@code expires_at}
   */
  Grant.Builder grant(Item it, boolean issued) {
    int before = out.count();
    ObjectNode o = n.map(it.node(), it.path());
    if (o == null) {
      return null;
    }
    String p = it.path();
    n.knownKeys(o, p, issued ? ISSUED_GRANT : GRANT);
    String id = n.checkedId(o, p, "id", true, "grant id");
    String parent = n.checkedId(o, p, "parent", false, "parent grant");
    String principal = n.checkedId(o, p, "principal", false, "principal");
    if (parent == null && principal == null && PolicyNodes.get(o, "parent") == null
        && PolicyNodes.get(o, "principal") == null) {
      out.add(p, "missing required key 'principal'",
          "a root grant names the principal it acts for; a sub-grant names its parent grant instead");
    }
    String holder = n.checkedId(o, p, "holder", true, "holder");
    String task = n.checkedId(o, p, "task", false, "task");
    List<Scope> scopes = scopes(o, p, "scopes", true);
    if (PolicyNodes.get(o, "scopes") != null && PolicyNodes.get(o, "scopes").isArray()
        && PolicyNodes.get(o, "scopes").isEmpty()) {
      out.add(PolicyProblems.child(p, "scopes"), "a grant needs at least one scope", null);
    }
    List<Constraint> constraints = constraints(o, p, "constraints");
    Instant notBefore = instant(o, p, "not_before", false);
    boolean relative = issued && PolicyNodes.get(o, "ttl") != null;
    Instant expiresAt = null;
    Duration ttl = null;
    if (relative && PolicyNodes.get(o, "expires_at") != null) {
      out.add(PolicyProblems.child(p, "ttl"), "give expires_at or ttl, not both",
          "expires_at is an instant; ttl is a lifetime from issuance");
    } else if (relative) {
      ttl = duration(o, p, "ttl");
    } else if (issued && PolicyNodes.get(o, "expires_at") == null) {
      out.add(p, "missing required key 'expires_at'",
          "give expires_at (an instant) or ttl (a lifetime from issuance, e.g. PT1H)");
    } else {
      expiresAt = instant(o, p, "expires_at", true);
    }
    if (notBefore != null && expiresAt != null && !notBefore.isBefore(expiresAt)) {
      out.add(PolicyProblems.child(p, "not_before"), "not_before " + notBefore
          + " is not before expires_at " + expiresAt, null);
    }
    TimeWindow window = window(o, p, "window");
    long maxCalls = Grant.UNLIMITED;
    String calls = n.string(o, p, "max_calls", false);
    if (calls != null) {
      Long c = n.integer(calls, PolicyProblems.child(p, "max_calls"));
      if (c != null && c <= 0) {
        out.add(PolicyProblems.child(p, "max_calls"), "must be a positive number of calls, was " + c,
            "leave max_calls out for no limit");
      } else if (c != null) {
        maxCalls = c;
      }
    }
    CredentialSpec credential = credential(o, p);
    if (out.count() > before) {
      return null;
    }
    long mc = maxCalls;
    Instant exp = expiresAt;
    Duration life = ttl;
    Grant.Builder b = n.construct(p, () -> {
      Grant.Builder g = Grant.builder(id).holder(holder);
      if (principal != null) {
        g.principal(principal);
      }
      if (parent != null) {
        g.parent(parent);
      }
      if (task != null) {
        g.task(task);
      }
      scopes.forEach(g::scope);
      constraints.forEach(g::constraint);
      if (notBefore != null) {
        g.notBefore(notBefore);
      }
      if (exp != null) {
        g.expiresAt(exp);
      } else {
        g.ttl(life);
      }
      if (window != null) {
        g.window(window);
      }
      if (mc != Grant.UNLIMITED) {
        g.maxCalls(mc);
      }
      if (credential != null) {
        g.credential(credential);
      }
      return g;
    });
    // build once here so that whatever the record itself refuses is reported at the grant's path
    return b == null || n.construct(p, () -> trial(b, exp == null, p)) == null ? null : b;
  }

  /** Builds {@code b} (a relative one as if issued at the epoch); returns null if that fails (reported). */
  private Grant trial(Grant.Builder b, boolean relative, String p) {
    if (!relative) {
      return b.build();
    }
    try {
      return b.build(Instant.EPOCH);
    } catch (DateTimeException | ArithmeticException e) {
      out.add(PolicyProblems.child(p, "ttl"), "the grant would end after the last instant there is",
          "give a shorter ttl");
      return null;
    }
  }

  /** Returns the scopes of the list under {@code key}; those with problems are reported and left out. */
  List<Scope> scopes(ObjectNode o, String path, String key, boolean required) {
    List<Scope> scopes = new ArrayList<>();
    for (Item s : n.list(o, path, key, required, false)) {
      Scope sc = scope(s);
      if (sc != null) {
        scopes.add(sc);
      }
    }
    return scopes;
  }

  /** Returns the scopes of {@code items}; those with problems are reported and left out. */
  List<Scope> scopes(List<Item> items) {
    List<Scope> scopes = new ArrayList<>();
    for (Item s : items) {
      Scope sc = scope(s);
      if (sc != null) {
        scopes.add(sc);
      }
    }
    return scopes;
  }

  Scope scope(Item it) {
    int before = out.count();
    ObjectNode o = n.map(it.node(), it.path());
    if (o == null) {
      return null;
    }
    String p = it.path();
    n.knownKeys(o, p, SCOPE);
    List<String> tools = n.strings(o, p, "tools", true, true, (s, at) -> n.pattern(s, at, "tool"));
    List<String> operations = n.strings(o, p, "operations", true, true, n::operation);
    List<String> resources = n.strings(o, p, "resources", true, true,
        (s, at) -> n.pattern(s, at, "resource"));
    List<Constraint> constraints = constraints(o, p, "constraints");
    for (String key : List.of("tools", "operations", "resources")) {
      JsonNode v = PolicyNodes.get(o, key);
      if (v != null && v.isArray() && v.isEmpty()) {
        out.add(PolicyProblems.child(p, key), "must not be empty",
            key.equals("resources") ? "use \"**\" for any resource" : null);
      }
    }
    if (out.count() > before) {
      return null;
    }
    Scope sc = n.construct(p, () -> new Scope(tools, operations, resources, constraints));
    if (sc != null && catalog != null) {
      List<Problem> unknown = new ArrayList<>();
      if (!Validation.scopeCatalogProblems(sc, catalog, out.source(), p, unknown)) {
        out.addAll(unknown);
        return null;
      }
    }
    return sc;
  }

  TimeWindow window(ObjectNode parent, String path, String key) {
    JsonNode v = PolicyNodes.get(parent, key);
    if (v == null) {
      return null;
    }
    String p = PolicyProblems.child(path, key);
    ObjectNode o = n.map(v, p);
    if (o == null) {
      return null;
    }
    int before = out.count();
    n.knownKeys(o, p, WINDOW);
    LocalTime start = time(o, p, "start");
    LocalTime end = time(o, p, "end");
    ZoneId zone = null;
    String zoneName = n.string(o, p, "zone", true);
    if (zoneName != null) {
      try {
        zone = ZoneId.of(zoneName);
      } catch (DateTimeException e) {
        String hint = PolicyProblems.didYouMean(zoneName, ZoneId.getAvailableZoneIds());
        out.add(PolicyProblems.child(p, "zone"), "unknown time zone '" + PolicyProblems.printable(zoneName) + "'",
            hint != null ? hint : "use a region id such as Europe/Paris or UTC");
      }
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (Item d : n.list(o, p, "days", false, true)) {
      String name = n.string(d);
      DayOfWeek day = name == null ? null : day(name);
      if (day != null) {
        days.add(day);
      } else if (name != null) {
        n.unknown(d.path(), "day", name, DAYS);
      }
    }
    if (start != null && start.equals(end)) {
      out.add(p, "start and end are both " + start, "leave the window out for all day");
    }
    if (out.count() > before) {
      return null;
    }
    ZoneId z = zone;
    return n.construct(p, () -> new TimeWindow(start, end, z, days));
  }

  private CredentialSpec credential(ObjectNode parent, String path) {
    JsonNode v = PolicyNodes.get(parent, "credential");
    if (v == null) {
      return null;
    }
    String p = PolicyProblems.child(path, "credential");
    ObjectNode o = n.map(v, p);
    if (o == null) {
      return null;
    }
    int before = out.count();
    n.knownKeys(o, p, CREDENTIAL);
    String audience = n.checkedId(o, p, "audience", true, "audience");
    List<String> scopes = n.strings(o, p, "scopes", false, false, (s, at) -> true);
    Duration ttl = duration(o, p, "ttl");
    if (ttl == null && PolicyNodes.get(o, "ttl") == null) {
      n.missing(p, "ttl");
    }
    if (out.count() > before) {
      return null;
    }
    return n.construct(p, () -> new CredentialSpec(audience, scopes, ttl));
  }

  List<Constraint> constraints(ObjectNode o, String path, String key) {
    List<Constraint> result = new ArrayList<>();
    for (Item it : n.list(o, path, key, false, false)) {
      String text = n.string(it);
      if (text == null) {
        continue;
      }
      try {
        result.add(Constraint.parse(text));
      } catch (IllegalArgumentException e) {
        out.add(it.path(), e.getMessage(), "write 'attribute operator value', e.g. 'args.amount <= 500'");
      }
    }
    return result;
  }

  /** Returns the instant under {@code key}, or null if absent (reported when required) or not an instant. */
  Instant instant(ObjectNode o, String path, String key, boolean required) {
    String s = n.string(o, path, key, required);
    return s == null ? null : instant(s, PolicyProblems.child(path, key));
  }

  /** Returns the instant {@code s} writes, with {@code Z} or an offset; reports and returns null if none. */
  Instant instant(String s, String at) {
    try {
      return Instant.parse(s);
    } catch (DateTimeException e) {
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeException e2) {
        out.add(at, "'" + PolicyProblems.printable(s) + "' is not an ISO-8601 instant",
            "write e.g. 2026-11-23T18:00:00Z");
        return null;
      }
    }
  }

  /** Returns the positive duration under {@code key}, or null if absent or not one (reported). */
  private Duration duration(ObjectNode o, String path, String key) {
    String s = n.string(o, path, key, false);
    return s == null ? null : duration(s, PolicyProblems.child(path, key));
  }

  /** Returns the positive ISO-8601 duration {@code s} writes; reports and returns null if none. */
  Duration duration(String s, String at) {
    try {
      Duration d = Duration.parse(s);
      if (d.isNegative() || d.isZero()) {
        out.add(at, "must be positive, was " + PolicyProblems.printable(s), null);
        return null;
      }
      return d;
    } catch (DateTimeException e) {
      out.add(at, "'" + PolicyProblems.printable(s) + "' is not an ISO-8601 duration",
          "write e.g. PT5M for five minutes or PT1H for an hour");
      return null;
    }
  }

  private LocalTime time(ObjectNode o, String path, String key) {
    String s = n.string(o, path, key, true);
    if (s == null) {
      return null;
    }
    try {
      return LocalTime.parse(s);
    } catch (DateTimeException e) {
      out.add(PolicyProblems.child(path, key), "'" + PolicyProblems.printable(s)
          + "' is not a time of day", "write hours and minutes, e.g. 09:00 or 17:30");
      return null;
    }
  }

  private static DayOfWeek day(String name) {
    String d = name.toLowerCase(Locale.ROOT);
    for (DayOfWeek w : DayOfWeek.values()) {
      String full = w.name().toLowerCase(Locale.ROOT);
      if (d.equals(full) || d.equals(full.substring(0, 3))) {
        return w;
      }
    }
    return null;
  }
}
