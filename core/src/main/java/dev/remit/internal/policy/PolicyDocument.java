package dev.remit.internal.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remit.Agent;
import dev.remit.AgentState;
import dev.remit.Constraint;
import dev.remit.Grant;
import dev.remit.Policy;
import dev.remit.Principal;
import dev.remit.RiskClass;
import dev.remit.Rule;
import dev.remit.Scope;
import dev.remit.TimeWindow;
import dev.remit.Tool;
import dev.remit.internal.policy.PolicyNodes.Item;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

  private static final List<String> STATES = List.of("active", "suspended", "revoked");
  private static final List<String> KINDS = List.of("human", "service");
  private static final List<String> EFFECTS = List.of("forbid", "require_approval");
  private static final List<String> ON_MISSING = List.of("deny", "not_applicable");
  private static final List<String> RISKS = riskNames();

  private final PolicyNodes n;
  private final PolicyProblems out;
  /** Grants, entitlements and the windows and constraints of rules: the mapping shared with {@link GrantReader}. */
  private final GrantDocument grants;

  private PolicyDocument(PolicyProblems out) {
    this.out = out;
    this.n = new PolicyNodes(out);
    this.grants = new GrantDocument(n, null);
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
      Grant.Builder g = grants.grant(it, false);
      if (g != null) {
        b.grant(g.build());
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
      Long d = n.integer(depth, "settings.max_delegation_depth");
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
    String id = n.checkedId(o, p, "id", true, "agent id");
    String owner = n.string(o, p, "owner", false);
    String purpose = n.string(o, p, "purpose", false);
    String environment = n.string(o, p, "environment", false);
    String stateName = n.string(o, p, "state", false);
    AgentState state = AgentState.ACTIVE;
    if (stateName != null) {
      state = STATES.contains(stateName) ? AgentState.fromName(stateName) : null;
      if (state == null) {
        n.unknown(PolicyProblems.child(p, "state"), "agent state", stateName, STATES);
      }
    }
    String partOf = n.checkedId(o, p, "part_of", false, "part_of");
    String role = n.string(o, p, "role", false);
    if (out.count() > before) {
      return null;
    }
    AgentState st = state;
    return n.construct(p, () -> new Agent(id, owner, purpose, environment, st, partOf, role));
  }

  private Principal principal(Item it) {
    int before = out.count();
    ObjectNode o = n.map(it.node(), it.path());
    if (o == null) {
      return null;
    }
    String p = it.path();
    n.knownKeys(o, p, PRINCIPAL);
    String id = n.checkedId(o, p, "id", true, "principal id");
    String kindName = n.string(o, p, "kind", true);
    Principal.Kind kind = null;
    if (kindName != null) {
      kind = KINDS.contains(kindName) ? Principal.Kind.fromName(kindName) : null;
      if (kind == null) {
        n.unknown(PolicyProblems.child(p, "kind"), "principal kind", kindName, KINDS);
      }
    }
    List<String> roles = n.strings(o, p, "roles", false, false, (s, at) -> n.id(s, at, "role"));
    List<Scope> entitlements = grants.scopes(o, p, "entitlements", false);
    if (out.count() > before) {
      return null;
    }
    Principal.Kind k = kind;
    return n.construct(p, () -> new Principal(id, k, entitlements, new LinkedHashSet<>(roles)));
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
    return n.construct(p, () -> new Tool(name, ops, attributes));
  }

  private Rule rule(Item it) {
    int before = out.count();
    ObjectNode o = n.map(it.node(), it.path());
    if (o == null) {
      return null;
    }
    String p = it.path();
    n.knownKeys(o, p, RULE);
    String id = n.checkedId(o, p, "id", true, "rule id");
    String effectName = n.string(o, p, "effect", true);
    Rule.Effect effect = null;
    if (effectName != null) {
      effect = enumValue(Rule.Effect.class, effectName, EFFECTS);
      if (effect == null) {
        n.unknown(PolicyProblems.child(p, "effect"), "rule effect", effectName, EFFECTS);
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
    List<Constraint> conditions = grants.constraints(o, p, "when");
    TimeWindow during = grants.window(o, p, "during");
    TimeWindow outside = grants.window(o, p, "outside");
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
        n.unknown(PolicyProblems.child(p, "on_missing"), "on_missing value", onMissingName, ON_MISSING);
      }
    }
    if (out.count() > before) {
      return null;
    }
    Rule.Effect e = effect;
    Rule.OnMissing m = onMissing;
    return n.construct(p, () -> new Rule(id, e, description, risks, tools, operations, resources,
        conditions, during, outside, approverRole, bind, m));
  }

  private boolean attribute(String s, String path) {
    String bad = ConstraintParser.checkAttribute(s);
    if (bad != null) {
      out.add(path, bad, null);
      return false;
    }
    return true;
  }

  private RiskClass risk(String name, String path) {
    RiskClass rc = RISKS.contains(name) ? RiskClass.fromName(name) : null;
    if (rc == null) {
      n.unknown(path, "risk class", name, RISKS);
    }
    return rc;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String name, List<String> allowed) {
    return allowed.contains(name) ? Enum.valueOf(type, name.toUpperCase(Locale.ROOT)) : null;
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
}
