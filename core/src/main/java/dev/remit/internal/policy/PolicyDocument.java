package dev.remit.internal.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remit.Agent;
import dev.remit.AgentState;
import dev.remit.Constraint;
import dev.remit.CredentialSpec;
import dev.remit.Grant;
import dev.remit.Policy;
import dev.remit.Principal;
import dev.remit.RiskClass;
import dev.remit.Rule;
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
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import dev.remit.internal.Text;

/**
 * Maps the tree of a policy document onto a {@link Policy.Builder}, element by element. An element
 * with any problem is reported (at the exact path of what is wrong) and left out; the caller never
 * builds a policy from a document with problems.
 */
final class PolicyDocument {
  static final List<String> TOP = List.of("version", "settings", "agents", "principals", "tools",
      "rules", "grants");
  static final List<String> SETTINGS = List.of("max_delegation_depth");
  static final List<String> AGENT = List.of("id", "owner", "purpose", "environment", "state",
      "part_of", "role");
  static final List<String> PRINCIPAL = List.of("id", "kind", "roles", "entitlements");
  static final List<String> TOOL = List.of("name", "operations", "attributes");
  static final List<String> RULE = List.of("id", "effect", "description", "risks", "tools",
      "operations", "resources", "when", "during", "outside", "approver_role", "bind", "on_missing");
  static final List<String> GRANT = List.of("id", "principal", "holder", "parent", "task", "scopes",
      "constraints", "not_before", "expires_at", "window", "max_calls", "credential");
  static final List<String> SCOPE = List.of("tools", "operations", "resources", "constraints");
  static final List<String> WINDOW = List.of("start", "end", "zone", "days");
  static final List<String> CREDENTIAL = List.of("audience", "scopes", "ttl");

  private static final List<String> STATES = List.of("active", "suspended", "revoked");
  private static final List<String> KINDS = List.of("human", "service");
  private static final List<String> EFFECTS = List.of("forbid", "require_approval");
  private static final List<String> ON_MISSING = List.of("deny", "not_applicable");
  private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
  private static final List<String> RISKS = riskNames();

  private final PolicyNodes n;
  private final PolicyProblems out;

  private PolicyDocument(PolicyProblems out) {
    this.out = out;
    this.n = new PolicyNodes(out);
  }

  /**
   * Fills {@code b} from the document {@code root}; returns the declared version, or null. Problems
   * go to {@code out}.
   */
  static String map(JsonNode root, Policy.Builder b, PolicyProblems out) {
    return new PolicyDocument(out).top(root, b);
  }

  private String top(JsonNode root, Policy.Builder b) {
    ObjectNode doc = root instanceof ObjectNode ? (ObjectNode) root : null;
    if (doc == null) {
      out.add("", "expected a map at the top of the document, got " + PolicyNodes.kind(root),
          "a policy is a map with keys such as agents, tools and grants");
      return null;
    }
    n.knownKeys(doc, "", TOP);
    String version = n.string(doc, "", "version", false);
    if (version != null && (version.isBlank() || version.length() > Text.MAX_ID || !printable(version))) {
      // the version travels in every decision and audit record: keep it short and plain
      out.add("version", "must be 1 to " + Text.MAX_ID + " printable ASCII characters, not blank", null);
    }
    settings(doc, b);
    for (Item it : n.list(doc, "", "agents", false, false)) {
      Agent a = agent(it);
      if (a != null) {
        b.agent(a);
      }
    }
    for (Item it : n.list(doc, "", "principals", false, false)) {
      Principal p = principal(it);
      if (p != null) {
        b.principal(p);
      }
    }
    for (Item it : n.list(doc, "", "tools", false, false)) {
      Tool t = tool(it);
      if (t != null) {
        b.tool(t);
      }
    }
    for (Item it : n.list(doc, "", "rules", false, false)) {
      Rule r = rule(it);
      if (r != null) {
        b.rule(r);
      }
    }
    for (Item it : n.list(doc, "", "grants", false, false)) {
      Grant g = grant(it);
      if (g != null) {
        b.grant(g);
      }
    }
    return version;
  }

  private void settings(ObjectNode doc, Policy.Builder b) {
    JsonNode v = PolicyNodes.get(doc, "settings");
    if (v == null) {
      return;
    }
    ObjectNode s = n.map(v, "settings");
    if (s == null) {
      return;
    }
    n.knownKeys(s, "settings", SETTINGS);
    String depth = n.string(s, "settings", "max_delegation_depth", false);
    if (depth != null) {
      Long d = integer(depth, "settings.max_delegation_depth");
      if (d != null) {
        if (d < 1 || d > 32) {
          out.add("settings.max_delegation_depth", "must be between 1 and 32, was " + d, null);
        } else {
          b.maxDelegationDepth(d.intValue());
        }
      }
    }
  }

  private Agent agent(Item it) {
    int before = out.count();
    ObjectNode o = n.map(it.node(), it.path());
    if (o == null) {
      return null;
    }
    String p = it.path();
    n.knownKeys(o, p, AGENT);
    String id = checkedId(o, p, "id", true, "agent id");
    String owner = n.string(o, p, "owner", false);
    String purpose = n.string(o, p, "purpose", false);
    String environment = n.string(o, p, "environment", false);
    String stateName = n.string(o, p, "state", false);
    AgentState state = AgentState.ACTIVE;
    if (stateName != null) {
      state = STATES.contains(stateName) ? AgentState.fromName(stateName) : null;
      if (state == null) {
        unknown(PolicyProblems.child(p, "state"), "agent state", stateName, STATES);
      }
    }
    String partOf = checkedId(o, p, "part_of", false, "part_of");
    String role = n.string(o, p, "role", false);
    if (out.count() > before) {
      return null;
    }
    AgentState st = state;
    return construct(p, () -> new Agent(id, owner, purpose, environment, st, partOf, role));
  }

  private Principal principal(Item it) {
    int before = out.count();
    ObjectNode o = n.map(it.node(), it.path());
    if (o == null) {
      return null;
    }
    String p = it.path();
    n.knownKeys(o, p, PRINCIPAL);
    String id = checkedId(o, p, "id", true, "principal id");
    String kindName = n.string(o, p, "kind", true);
    Principal.Kind kind = null;
    if (kindName != null) {
      kind = KINDS.contains(kindName) ? Principal.Kind.fromName(kindName) : null;
      if (kind == null) {
        unknown(PolicyProblems.child(p, "kind"), "principal kind", kindName, KINDS);
      }
    }
    List<String> roles = n.strings(o, p, "roles", false, false, (s, at) -> n.id(s, at, "role"));
    List<Scope> entitlements = new ArrayList<>();
    for (Item e : n.list(o, p, "entitlements", false, false)) {
      Scope sc = scope(e);
      if (sc != null) {
        entitlements.add(sc);
      }
    }
    if (out.count() > before) {
      return null;
    }
    Principal.Kind k = kind;
    return construct(p, () -> new Principal(id, k, entitlements, new LinkedHashSet<>(roles)));
  }

  private Tool tool(Item it) {
    int before = out.count();
    ObjectNode o = n.map(it.node(), it.path());
    if (o == null) {
      return null;
    }
    String p = it.path();
    n.knownKeys(o, p, TOOL);
    String name = n.string(o, p, "name", true);
    if (name != null) {
      n.toolName(name, PolicyProblems.child(p, "name"));
    }
    Map<String, RiskClass> ops = new LinkedHashMap<>();
    if (PolicyNodes.get(o, "operations") == null) {
      n.missing(p, "operations");
    }
    for (Map.Entry<String, JsonNode> e : n.entries(o, p, "operations")) {
      String at = PolicyProblems.child(PolicyProblems.child(p, "operations"), e.getKey());
      if (!n.id(e.getKey(), at, "operation")) {
        continue;
      }
      String risk = e.getValue().isNull() ? null : n.scalar(e.getValue(), at);
      if (e.getValue().isNull()) {
        out.add(at, "missing risk class", "one of: " + String.join(", ", RISKS));
      } else if (risk != null) {
        RiskClass rc = risk(risk, at);
        if (rc != null) {
          ops.put(e.getKey(), rc);
        }
      }
    }
    if (out.count() == before && ops.isEmpty() && PolicyNodes.get(o, "operations") != null) {
      out.add(PolicyProblems.child(p, "operations"), "a tool needs at least one operation",
          "map each operation to its risk class, e.g. {read: read}");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.entries(o, p, "attributes")) {
      String at = PolicyProblems.child(PolicyProblems.child(p, "attributes"), e.getKey());
      String v = e.getValue().isNull() ? null : n.scalar(e.getValue(), at);
      if (e.getValue().isNull()) {
        out.add(at, "expected a string, got null", null);
      } else if (v != null) {
        attributes.put(e.getKey(), v);
      }
    }
    if (out.count() > before) {
      return null;
    }
    return construct(p, () -> new Tool(name, ops, attributes));
  }

  private Rule rule(Item it) {
    int before = out.count();
    ObjectNode o = n.map(it.node(), it.path());
    if (o == null) {
      return null;
    }
    String p = it.path();
    n.knownKeys(o, p, RULE);
    String id = checkedId(o, p, "id", true, "rule id");
    String effectName = n.string(o, p, "effect", true);
    Rule.Effect effect = null;
    if (effectName != null) {
      effect = enumValue(Rule.Effect.class, effectName, EFFECTS);
      if (effect == null) {
        unknown(PolicyProblems.child(p, "effect"), "rule effect", effectName, EFFECTS);
      }
    }
    String description = n.string(o, p, "description", false);
    Set<RiskClass> risks = EnumSet.noneOf(RiskClass.class);
    for (Item r : n.list(o, p, "risks", false, true)) {
      String name = n.string(r);
      RiskClass rc = name == null ? null : risk(name, r.path());
      if (rc != null) {
        risks.add(rc);
      }
    }
    List<String> tools = n.strings(o, p, "tools", false, true, (s, at) -> n.pattern(s, at, "tool"));
    List<String> operations = n.strings(o, p, "operations", false, true, n::operation);
    List<String> resources = n.strings(o, p, "resources", false, true,
        (s, at) -> n.pattern(s, at, "resource"));
    List<Constraint> conditions = constraints(o, p, "when");
    TimeWindow during = window(o, p, "during");
    TimeWindow outside = window(o, p, "outside");
    String approverRole = n.string(o, p, "approver_role", false);
    String roleAt = PolicyProblems.child(p, "approver_role");
    if (approverRole != null) {
      if (effect == Rule.Effect.FORBID) {
        out.add(roleAt, "only require_approval rules take an approver_role", "remove it or set effect: require_approval");
      } else {
        n.id(approverRole, roleAt, "approver role");
      }
    } else if (effect == Rule.Effect.REQUIRE_APPROVAL) {
      out.add(p, "missing required key 'approver_role'", "a require_approval rule names the role that may approve");
    }
    List<String> bind = n.strings(o, p, "bind", false, false, this::attribute);
    String onMissingName = n.string(o, p, "on_missing", false);
    Rule.OnMissing onMissing = Rule.OnMissing.DENY;
    if (onMissingName != null) {
      onMissing = enumValue(Rule.OnMissing.class, onMissingName, ON_MISSING);
      if (onMissing == null) {
        unknown(PolicyProblems.child(p, "on_missing"), "on_missing value", onMissingName, ON_MISSING);
      }
    }
    if (out.count() > before) {
      return null;
    }
    Rule.Effect e = effect;
    Rule.OnMissing m = onMissing;
    return construct(p, () -> new Rule(id, e, description, risks, tools, operations, resources,
        conditions, during, outside, approverRole, bind, m));
  }

  private Grant grant(Item it) {
    int before = out.count();
    ObjectNode o = n.map(it.node(), it.path());
    if (o == null) {
      return null;
    }
    String p = it.path();
    n.knownKeys(o, p, GRANT);
    String id = checkedId(o, p, "id", true, "grant id");
    String parent = checkedId(o, p, "parent", false, "parent grant");
    String principal = checkedId(o, p, "principal", false, "principal");
    if (parent == null && principal == null && PolicyNodes.get(o, "parent") == null
        && PolicyNodes.get(o, "principal") == null) {
      out.add(p, "missing required key 'principal'",
          "a root grant names the principal it acts for; a sub-grant names its parent grant instead");
    }
    String holder = checkedId(o, p, "holder", true, "holder");
    String task = checkedId(o, p, "task", false, "task");
    List<Scope> scopes = new ArrayList<>();
    for (Item s : n.list(o, p, "scopes", true, false)) {
      Scope sc = scope(s);
      if (sc != null) {
        scopes.add(sc);
      }
    }
    if (PolicyNodes.get(o, "scopes") != null && PolicyNodes.get(o, "scopes").isArray()
        && PolicyNodes.get(o, "scopes").isEmpty()) {
      out.add(PolicyProblems.child(p, "scopes"), "a grant needs at least one scope", null);
    }
    List<Constraint> constraints = constraints(o, p, "constraints");
    Instant notBefore = instant(o, p, "not_before", false);
    Instant expiresAt = instant(o, p, "expires_at", true);
    if (notBefore != null && expiresAt != null && !notBefore.isBefore(expiresAt)) {
      out.add(PolicyProblems.child(p, "not_before"), "not_before " + notBefore
          + " is not before expires_at " + expiresAt, null);
    }
    TimeWindow window = window(o, p, "window");
    long maxCalls = Grant.UNLIMITED;
    String calls = n.string(o, p, "max_calls", false);
    if (calls != null) {
      Long c = integer(calls, PolicyProblems.child(p, "max_calls"));
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
    return construct(p, () -> new Grant(id, principal, holder, parent, task, scopes, constraints,
        notBefore, expiresAt, window, mc, credential));
  }

  private Scope scope(Item it) {
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
    return construct(p, () -> new Scope(tools, operations, resources, constraints));
  }

  private TimeWindow window(ObjectNode parent, String path, String key) {
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
        unknown(d.path(), "day", name, DAYS);
      }
    }
    if (start != null && start.equals(end)) {
      out.add(p, "start and end are both " + start, "leave the window out for all day");
    }
    if (out.count() > before) {
      return null;
    }
    ZoneId z = zone;
    return construct(p, () -> new TimeWindow(start, end, z, days));
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
    String audience = checkedId(o, p, "audience", true, "audience");
    List<String> scopes = n.strings(o, p, "scopes", false, false, (s, at) -> true);
    Duration ttl = null;
    String ttlText = n.string(o, p, "ttl", true);
    if (ttlText != null) {
      String at = PolicyProblems.child(p, "ttl");
      try {
        ttl = Duration.parse(ttlText);
        if (ttl.isNegative() || ttl.isZero()) {
          out.add(at, "must be positive, was " + ttlText, null);
        }
      } catch (DateTimeException e) {
        out.add(at, "'" + PolicyProblems.printable(ttlText) + "' is not an ISO-8601 duration",
            "write e.g. PT5M for five minutes or PT1H for an hour");
      }
    }
    if (out.count() > before) {
      return null;
    }
    Duration t = ttl;
    return construct(p, () -> new CredentialSpec(audience, scopes, t));
  }

  // --- scalars

  private String checkedId(ObjectNode o, String path, String key, boolean required, String what) {
    String s = n.string(o, path, key, required);
    if (s != null && !n.id(s, PolicyProblems.child(path, key), what)) {
      return null;
    }
    return s;
  }

  private List<Constraint> constraints(ObjectNode o, String path, String key) {
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

  private boolean attribute(String s, String path) {
    String bad = ConstraintParser.checkAttribute(s);
    if (bad != null) {
      out.add(path, bad, null);
      return false;
    }
    return true;
  }

  private Instant instant(ObjectNode o, String path, String key, boolean required) {
    String s = n.string(o, path, key, required);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeException e) {
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeException e2) {
        out.add(PolicyProblems.child(path, key), "'" + PolicyProblems.printable(s)
            + "' is not an ISO-8601 instant", "write e.g. 2026-11-23T18:00:00Z");
        return null;
      }
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

  private Long integer(String s, String path) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      out.add(path, "expected a whole number, got '" + PolicyProblems.printable(s) + "'", null);
      return null;
    }
  }

  private RiskClass risk(String name, String path) {
    RiskClass rc = RISKS.contains(name) ? RiskClass.fromName(name) : null;
    if (rc == null) {
      unknown(path, "risk class", name, RISKS);
    }
    return rc;
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

  private static <E extends Enum<E>> E enumValue(Class<E> type, String name, List<String> allowed) {
    return allowed.contains(name) ? Enum.valueOf(type, name.toUpperCase(Locale.ROOT)) : null;
  }

  private void unknown(String path, String what, String value, List<String> allowed) {
    String hint = PolicyProblems.didYouMean(value.toLowerCase(Locale.ROOT), allowed);
    out.add(path, "unknown " + what + " '" + PolicyProblems.printable(value) + "'",
        hint != null ? hint : "one of: " + String.join(", ", allowed));
  }

  private static boolean printable(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < 0x20 || s.charAt(i) > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static List<String> riskNames() {
    List<String> names = new ArrayList<>();
    for (RiskClass r : RiskClass.values()) {
      names.add(r.wireName());
    }
    return List.copyOf(names);
  }

  /** Builds a value, reporting a constructor's IllegalArgumentException at the element's path. */
  private <T> T construct(String path, Supplier<T> maker) {
    try {
      return maker.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      out.add(path, String.valueOf(e.getMessage()), null);
      return null;
    }
  }
}
