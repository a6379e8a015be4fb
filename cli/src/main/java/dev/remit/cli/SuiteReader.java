package dev.remit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remit.AuthZen;
import dev.remit.Constraint;
import dev.remit.CredentialSpec;
import dev.remit.Grant;
import dev.remit.Outcome;
import dev.remit.Policy;
import dev.remit.PolicyException;
import dev.remit.Problem;
import dev.remit.ReasonCode;
import dev.remit.Request;
import dev.remit.Scope;
import dev.remit.TimeWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads policy test suites ({@code docs/test-suite-format.md}) into {@link Suite}s. Everything is
 * checked up front, so a malformed suite is reported (file, path inside it, problem) before any
 * case runs.
 */
final class SuiteReader {
  static final Set<String> SUITE_KEYS = Set.of("name", "policy", "clock", "cases");
  static final Set<String> CASE_KEYS = Set.of("name", "at", "steps", "request", "expect");
  static final Set<String> EXPECT_KEYS = Set.of("outcome", "reasons", "reasons_include", "grant",
      "obligations");
  static final Set<String> STEP_KINDS = Set.of("revoke_grant", "suspend_agent", "resume_agent", "revoke_agent",
      "restrict_entitlements", "lift_entitlement_restriction", "issue_grant", "approve", "advance_clock", "set_clock",
      "swap_policy");
  static final Set<String> COMPACT_REQUEST_KEYS = Set.of("subject", "tool", "operation", "resource",
      "resource_type", "args", "resource_properties", "context");
  static final Set<String> GRANT_KEYS = Set.of("id", "principal", "holder", "parent", "task", "scopes",
      "constraints", "not_before", "expires_at", "ttl", "window", "max_calls", "credential");
  static final Set<String> SCOPE_KEYS = Set.of("tools", "operations", "resources", "constraints");
  static final Set<String> APPROVE_KEYS = Set.of("approver", "role", "ttl", "request", "case", "as");

  /** A problem in a suite file; the message names file and path. */
  static final class Malformed extends RuntimeException {
    Malformed(Path file, String path, String message) {
      super(file + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }
  }

  private final Path file;
  private final Map<String, Suite.Case> casesByName = new HashMap<>();
  /** Approve steps that name a case, resolved once every case is read. */
  private final List<Runnable> pending = new ArrayList<>();

  private SuiteReader(Path file) {
    this.file = file;
  }

  /**
   * Returns the suites in {@code files}.
   *
   * @throws InputException naming every malformed suite, with file and path
   */
  static List<Suite> readAll(List<Path> files) {
    List<Suite> out = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Path f : files) {
      try {
        out.add(read(f));
      } catch (Malformed | InputException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new InputException((errors.size() == 1 ? "malformed suite: " : "malformed suites:\n")
          + String.join("\n", errors));
    }
    return out;
  }

  /** Returns the suite in {@code file}. */
  static Suite read(Path file) {
    JsonNode root;
    try {
      root = Yaml.TREE.readTree(Files.readString(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new Malformed(file, "", "no such file");
    } catch (IOException e) {
      throw new Malformed(file, "", "not valid YAML: " + CheckCommand.firstLine(e.getMessage()));
    }
    return new SuiteReader(file).suite(root);
  }

  private Malformed bad(String path, String message) {
    return new Malformed(file, path, message);
  }

  private Suite suite(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw bad("", "a suite must be a mapping with policy, clock and cases");
    }
    keys(root, "", SUITE_KEYS);
    String name = root.has("name") ? text(root.get("name"), "name") : file.getFileName().toString();
    Policy policy = policy(required(root, "policy", ""), "policy");
    Instant clock = instant(required(root, "clock", ""), "clock");
    JsonNode cases = required(root, "cases", "");
    if (!cases.isArray() || cases.isEmpty()) {
      throw bad("cases", "must be a non-empty list of cases and steps");
    }
    List<Suite.Item> items = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      String path = "cases[" + i + "]";
      JsonNode n = cases.get(i);
      if (!n.isObject()) {
        throw bad(path, "must be a mapping (a case, or a step such as {revoke_grant: g1})");
      }
      if (isStep(n)) {
        items.add(new Suite.StepItem(step(n, path, null)));
      } else {
        Suite.Case c = testCase(n, path, i);
        if (casesByName.putIfAbsent(c.name(), c) != null) {
          throw bad(path + ".name", "duplicate case name '" + c.name() + "'");
        }
        items.add(c);
      }
    }
    pending.forEach(Runnable::run);
    return new Suite(file, name, policy, clock, List.copyOf(items));
  }

  private static boolean isStep(JsonNode n) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      if (STEP_KINDS.contains(it.next())) {
        return true;
      }
    }
    return false;
  }

  /** Returns the policy inline ({@code {agents: …}}) or in a file relative to the suite. */
  Policy policy(JsonNode n, String path) {
    if (n.isTextual()) {
      Path p = file.toAbsolutePath().getParent().resolve(n.asText()).normalize();
      if (!Files.isRegularFile(p)) {
        throw bad(path, "policy file " + n.asText() + " not found (looked for " + p + ")");
      }
      try {
        return Policy.load(p);
      } catch (PolicyException e) {
        throw bad(path, "policy " + n.asText() + " is invalid:" + problems(e));
      }
    }
    if (n.isObject()) {
      try {
        return Policy.parse(Yaml.TREE.writeValueAsString(n), file + "#" + path);
      } catch (PolicyException e) {
        throw bad(path, "inline policy is invalid:" + problems(e));
      } catch (IOException e) {
        throw bad(path, "cannot render inline policy: " + e.getMessage());
      }
    }
    throw bad(path, "must be a policy file path (relative to the suite) or an inline policy mapping");
  }

  static String problems(PolicyException e) {
    StringBuilder b = new StringBuilder();
    for (Problem p : e.problems()) {
      b.append("\n  ").append(p);
    }
    return b.toString();
  }

  private Suite.Case testCase(JsonNode n, String path, int index) {
    keys(n, path, CASE_KEYS);
    String name = n.has("name") ? text(n.get("name"), path + ".name") : "case " + (index + 1);
    Instant at = n.has("at") ? instant(n.get("at"), path + ".at") : null;
    List<Suite.Step> steps = new ArrayList<>();
    Request request = n.has("request") ? request(n.get("request"), path + ".request") : null;
    if (n.has("steps")) {
      JsonNode s = n.get("steps");
      if (!s.isArray()) {
        throw bad(path + ".steps", "must be a list of steps");
      }
      for (int i = 0; i < s.size(); i++) {
        String sp = path + ".steps[" + i + "]";
        if (!s.get(i).isObject() || !isStep(s.get(i))) {
          throw bad(sp, "must be a step, one of " + new java.util.TreeSet<>(STEP_KINDS));
        }
        steps.add(step(s.get(i), sp, request));
      }
    }
    Suite.Expect expect = null;
    if (request != null) {
      expect = expect(required(n, "expect", path), path + ".expect");
    } else if (n.has("expect")) {
      throw bad(path + ".expect", "a case without a request has nothing to expect; "
          + "put expect_error on its steps instead");
    } else if (steps.isEmpty()) {
      throw bad(path, "a case needs a request (with expect) or steps");
    }
    return new Suite.Case(name, path, at, List.copyOf(steps), request, expect);
  }

  private Suite.Expect expect(JsonNode n, String path) {
    if (!n.isObject()) {
      throw bad(path, "must be a mapping with outcome and reasons or reasons_include");
    }
    keys(n, path, EXPECT_KEYS);
    Outcome outcome = outcome(required(n, "outcome", path), path + ".outcome");
    List<ReasonCode> reasons = n.has("reasons") ? codes(n.get("reasons"), path + ".reasons") : null;
    List<ReasonCode> include = n.has("reasons_include") ? codes(n.get("reasons_include"), path + ".reasons_include")
        : null;
    if (reasons != null && include != null) {
      throw bad(path, "give reasons (the exact set) or reasons_include (a subset), not both");
    }
    String grant = n.has("grant") ? text(n.get("grant"), path + ".grant") : null;
    List<String> obligations = n.has("obligations") ? strings(n.get("obligations"), path + ".obligations") : null;
    return new Suite.Expect(outcome, reasons, include, grant, obligations);
  }

  private Outcome outcome(JsonNode n, String path) {
    String s = text(n, path).toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return Outcome.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw bad(path, "unknown outcome '" + n.asText() + "' (expected allow, deny or require_approval)");
    }
  }

  private List<ReasonCode> codes(JsonNode n, String path) {
    if (!n.isArray()) {
      throw bad(path, "must be a list of reason codes, e.g. [GRANT_MATCHED]");
    }
    List<ReasonCode> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String s = text(n.get(i), path + "[" + i + "]").toUpperCase(Locale.ROOT).replace('-', '_');
      try {
        out.add(ReasonCode.valueOf(s));
      } catch (IllegalArgumentException e) {
        List<String> names = new ArrayList<>();
        for (ReasonCode c : ReasonCode.values()) {
          names.add(c.name());
        }
        String near = closest(s, names);
        throw bad(path + "[" + i + "]", "unknown reason code '" + n.get(i).asText() + "'"
            + (near == null ? "" : " (did you mean " + near + "?)"));
      }
    }
    return List.copyOf(out);
  }

  // ------------------------------------------------------------------ requests

  /** Returns the request in AuthZEN shape (has {@code action}) or compact shape. */
  Request request(JsonNode n, String path) {
    if (!n.isObject()) {
      throw bad(path, "must be a mapping (AuthZEN subject/action/resource/context, or compact "
          + "subject/tool/operation/resource/args)");
    }
    if (n.has("action") || n.path("subject").isObject()) {
      try {
        return AuthZen.parseRequest(Yaml.JSON.writeValueAsString(n));
      } catch (IOException | IllegalArgumentException e) {
        throw bad(path, "not an AuthZEN request: " + e.getMessage());
      }
    }
    keys(n, path, COMPACT_REQUEST_KEYS);
    return new Request(
        optText(n, "subject", path), optText(n, "tool", path), optText(n, "operation", path),
        optText(n, "resource", path), optText(n, "resource_type", path),
        optMap(n, "args", path), optMap(n, "resource_properties", path), optMap(n, "context", path));
  }

  private String optText(JsonNode n, String key, String path) {
    return n.has(key) && !n.get(key).isNull() ? text(n.get(key), path + "." + key) : null;
  }

  private Map<String, Object> optMap(JsonNode n, String key, String path) {
    if (!n.has(key) || n.get(key).isNull()) {
      return null;
    }
    if (!n.get(key).isObject()) {
      throw bad(path + "." + key, "must be a mapping");
    }
    return map(n.get(key));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(JsonNode n) {
    return Yaml.JSON.convertValue(n, LinkedHashMap.class);
  }

  // ------------------------------------------------------------------ steps

  /**
   * Returns the step in {@code n}: exactly one step key, plus optionally {@code expect_error}.
   *
   * @param caseRequest the enclosing case's request (default request of {@code approve}), or null
   */
  private Suite.Step step(JsonNode n, String path, Request caseRequest) {
    String kind = null;
    String expectError = null;
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.equals("expect_error")) {
        expectError = text(n.get(k), path + ".expect_error");
      } else if (STEP_KINDS.contains(k)) {
        if (kind != null) {
          throw bad(path, "one step per list item; found " + kind + " and " + k);
        }
        kind = k;
      } else if (k.equals("set_entitlements")) {
        throw bad(path + "." + k, "set_entitlements was replaced by restrict_entitlements: a runtime change now"
            + " narrows a principal (its document entitlements still apply), and lift_entitlement_restriction undoes it");
      } else {
        String near = closest(k, STEP_KINDS);
        throw bad(path + "." + k, "unknown step key" + (near == null ? "" : " (did you mean '" + near + "'?)")
            + "; a step is one of " + new java.util.TreeSet<>(STEP_KINDS) + " plus optional expect_error");
      }
    }
    String p = path + "." + kind;
    JsonNode v = n.get(kind);
    Suite.Action action;
    switch (kind) {
      case "revoke_grant": {
        String id = text(v, p);
        action = ctx -> "revoked " + ctx.remit().revokeGrant(id);
        break;
      }
      case "suspend_agent": {
        String id = text(v, p);
        action = ctx -> {
          ctx.remit().suspendAgent(id);
          return "suspended " + id;
        };
        break;
      }
      case "resume_agent": {
        String id = text(v, p);
        action = ctx -> {
          ctx.remit().resumeAgent(id);
          return "resumed " + id;
        };
        break;
      }
      case "revoke_agent": {
        String id = text(v, p);
        action = ctx -> {
          ctx.remit().revokeAgent(id);
          return "revoked agent " + id;
        };
        break;
      }
      case "restrict_entitlements": {
        if (!v.isObject()) {
          throw bad(p, "must be a mapping {principal: ID, entitlements: [scopes]}");
        }
        keys(v, p, Set.of("principal", "entitlements"));
        String principal = text(required(v, "principal", p), p + ".principal");
        List<Scope> scopes = scopes(required(v, "entitlements", p), p + ".entitlements", true);
        action = ctx -> {
          ctx.remit().restrictEntitlements(principal, scopes);
          return "entitlements of " + principal + " restricted";
        };
        break;
      }
      case "lift_entitlement_restriction": {
        String principal = text(v, p);
        action = ctx -> {
          ctx.remit().liftEntitlementRestriction(principal);
          return "entitlement restriction of " + principal + " lifted";
        };
        break;
      }
      case "issue_grant": {
        String by = v.isObject() && v.has("delegated_by") ? text(v.get("delegated_by"), p + ".delegated_by") : null;
        JsonNode spec = v;
        if (by != null) {
          spec = v.deepCopy();
          ((com.fasterxml.jackson.databind.node.ObjectNode) spec).remove("delegated_by");
        }
        Grant.Builder g = grant(spec, p);
        action = ctx -> {
          Grant built = g.build(ctx.remit().clock().instant());
          if (built.parent() == null) {
            return "issued " + ctx.remit().issue(built).id();
          }
          // a sub-grant is delegated by the holder of its parent, unless the step names another delegator
          Grant parent = ctx.remit().grant(built.parent());
          String delegator = by != null ? by : parent != null ? parent.holder() : built.holder();
          return "issued " + ctx.remit().delegate(delegator, built).id() + " (delegated by " + delegator + ")";
        };
        break;
      }
      case "approve":
        action = approve(v, p, caseRequest);
        break;
      case "advance_clock": {
        Duration d = duration(v, p);
        action = ctx -> {
          ctx.clock().advance(d);
          return "clock now " + ctx.clock().instant();
        };
        break;
      }
      case "set_clock": {
        Instant t = instant(v, p);
        action = ctx -> {
          ctx.clock().set(t);
          return "clock now " + t;
        };
        break;
      }
      case "swap_policy": {
        if (!v.isTextual() && !v.isObject()) {
          throw bad(p, "must be a policy file path (relative to the suite) or an inline policy mapping");
        }
        // loaded when the step runs, so that a suite can assert that a bad policy is rejected
        action = ctx -> {
          Policy next;
          try {
            next = policy(v, p);
          } catch (Malformed e) {
            throw new IllegalArgumentException(e.getMessage());
          }
          ctx.remit().swapPolicy(next);
          return "policy " + next.version() + " in force";
        };
        break;
      }
      default:
        throw new IllegalStateException(kind);
    }
    return new Suite.Step(kind, path, expectError, action);
  }

  private Suite.Action approve(JsonNode v, String p, Request caseRequest) {
    if (!v.isObject()) {
      throw bad(p, "must be a mapping {approver, role, ttl?, request? | case?, as?}");
    }
    keys(v, p, APPROVE_KEYS);
    String approver = text(required(v, "approver", p), p + ".approver");
    String role = text(required(v, "role", p), p + ".role");
    Duration ttl = v.has("ttl") ? duration(v.get("ttl"), p + ".ttl") : Duration.ofMinutes(15);
    String as = v.has("as") ? text(v.get("as"), p + ".as") : null;
    if (as != null && (as.equals("last") || !as.matches("[A-Za-z0-9_-]+"))) {
      throw bad(p + ".as", "an approval name is letters, digits, '_' and '-' and not 'last'");
    }
    if (v.has("request") && v.has("case")) {
      throw bad(p, "give request or case, not both");
    }
    Request[] target = new Request[1];
    if (v.has("request")) {
      target[0] = request(v.get("request"), p + ".request");
    } else if (v.has("case")) {
      String name = text(v.get("case"), p + ".case");
      pending.add(() -> {
        Suite.Case c = casesByName.get(name);
        if (c == null || c.request() == null) {
          String near = closest(name, casesByName.keySet());
          throw bad(p + ".case", "no case named '" + name + "' with a request"
              + (near == null ? "" : " (did you mean '" + near + "'?)"));
        }
        target[0] = c.request();
      });
    } else if (caseRequest != null) {
      target[0] = caseRequest;
    } else {
      throw bad(p, "a standalone approve needs request or case (inside a case it defaults to the case's request)");
    }
    return ctx -> {
      Request r = ctx.resolve(withoutApproval(target[0]));
      dev.remit.Approval a = ctx.remit().approve(r, approver, role, ttl);
      ctx.remember(as, a.id());
      return "approval " + a.id() + " by " + approver;
    };
  }

  private static Request withoutApproval(Request r) {
    if (!r.context().containsKey("approval")) {
      return r;
    }
    Map<String, Object> c = new LinkedHashMap<>(r.context());
    c.remove("approval");
    return new Request(r.subject(), r.tool(), r.operation(), r.resource(), r.resourceType(), r.args(),
        r.resourceProperties(), c);
  }

  // ------------------------------------------------------------------ grants

  private Grant.Builder grant(JsonNode v, String p) {
    if (!v.isObject()) {
      throw bad(p, "must be a grant mapping {id, holder, principal | parent, scopes, expires_at | ttl, ...}");
    }
    keys(v, p, GRANT_KEYS);
    try {
      Grant.Builder b = Grant.builder(text(required(v, "id", p), p + ".id"));
      b.holder(text(required(v, "holder", p), p + ".holder"));
      if (v.has("principal")) {
        b.principal(text(v.get("principal"), p + ".principal"));
      }
      if (v.has("parent")) {
        b.parent(text(v.get("parent"), p + ".parent"));
      }
      if (!v.has("principal") && !v.has("parent")) {
        throw bad(p, "a grant needs principal (root grant) or parent (sub-grant)");
      }
      if (v.has("task")) {
        b.task(text(v.get("task"), p + ".task"));
      }
      for (Scope s : scopes(required(v, "scopes", p), p + ".scopes", false)) {
        b.scope(s);
      }
      for (Constraint c : constraints(v, p)) {
        b.constraint(c);
      }
      if (v.has("not_before")) {
        b.notBefore(instant(v.get("not_before"), p + ".not_before"));
      }
      if (v.has("expires_at") == v.has("ttl")) {
        throw bad(p, "give expires_at (an instant) or ttl (a duration from issuance), exactly one");
      }
      if (v.has("expires_at")) {
        b.expiresAt(instant(v.get("expires_at"), p + ".expires_at"));
      } else {
        b.ttl(duration(v.get("ttl"), p + ".ttl"));
      }
      if (v.has("window")) {
        b.window(window(v.get("window"), p + ".window"));
      }
      if (v.has("max_calls")) {
        JsonNode m = v.get("max_calls");
        if (!m.canConvertToLong() || !m.isIntegralNumber() || m.asLong() <= 0) {
          throw bad(p + ".max_calls", "must be a positive whole number");
        }
        b.maxCalls(m.asLong());
      }
      if (v.has("credential")) {
        JsonNode c = v.get("credential");
        String cp = p + ".credential";
        if (!c.isObject()) {
          throw bad(cp, "must be a mapping {audience, scopes, ttl}");
        }
        keys(c, cp, Set.of("audience", "scopes", "ttl"));
        b.credential(new CredentialSpec(text(required(c, "audience", cp), cp + ".audience"),
            strings(required(c, "scopes", cp), cp + ".scopes"), duration(required(c, "ttl", cp), cp + ".ttl")));
      }
      return b;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw bad(p, e.getMessage());
    }
  }

  private List<Scope> scopes(JsonNode n, String path, boolean mayBeEmpty) {
    if (!n.isArray() || (!mayBeEmpty && n.isEmpty())) {
      throw bad(path, "must be a " + (mayBeEmpty ? "" : "non-empty ") + "list of scopes {tools, operations, resources}");
    }
    List<Scope> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String sp = path + "[" + i + "]";
      JsonNode s = n.get(i);
      if (!s.isObject()) {
        throw bad(sp, "must be a scope {tools, operations, resources}");
      }
      keys(s, sp, SCOPE_KEYS);
      List<Constraint> constraints = constraints(s, sp);
      try {
        out.add(new Scope(strings(required(s, "tools", sp), sp + ".tools"),
            strings(required(s, "operations", sp), sp + ".operations"),
            strings(required(s, "resources", sp), sp + ".resources"), constraints));
      } catch (IllegalArgumentException e) {
        throw bad(sp, e.getMessage());
      }
    }
    return out;
  }

  /** Returns the constraints listed under {@code constraints} in {@code v} (a grant or a scope), if any. */
  private List<Constraint> constraints(JsonNode v, String p) {
    List<Constraint> out = new ArrayList<>();
    if (v.has("constraints")) {
      JsonNode cs = v.get("constraints");
      if (!cs.isArray()) {
        throw bad(p + ".constraints", "must be a list such as [\"args.amount <= 500\"]");
      }
      for (int i = 0; i < cs.size(); i++) {
        String cp = p + ".constraints[" + i + "]";
        try {
          out.add(Constraint.parse(text(cs.get(i), cp)));
        } catch (IllegalArgumentException e) {
          throw bad(cp, e.getMessage());
        }
      }
    }
    return out;
  }

  private TimeWindow window(JsonNode n, String path) {
    if (!n.isObject()) {
      throw bad(path, "must be a mapping {start: \"09:00\", end: \"17:00\", zone: Europe/Paris, days: [monday]}");
    }
    keys(n, path, Set.of("start", "end", "zone", "days"));
    try {
      LocalTime start = LocalTime.parse(text(required(n, "start", path), path + ".start"));
      LocalTime end = LocalTime.parse(text(required(n, "end", path), path + ".end"));
      ZoneId zone = ZoneId.of(n.has("zone") ? text(n.get("zone"), path + ".zone") : "UTC");
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      if (n.has("days")) {
        for (String d : strings(n.get("days"), path + ".days")) {
          days.add(day(d, path + ".days"));
        }
      }
      return new TimeWindow(start, end, zone, days);
    } catch (java.time.DateTimeException | IllegalArgumentException e) {
      throw bad(path, e.getMessage());
    }
  }

  private DayOfWeek day(String name, String path) {
    String d = name.toLowerCase(Locale.ROOT);
    for (DayOfWeek w : DayOfWeek.values()) {
      String full = w.name().toLowerCase(Locale.ROOT);
      if (d.equals(full) || d.equals(full.substring(0, 3))) {
        return w;
      }
    }
    throw bad(path, "unknown day '" + name + "' (mon, tue, wed, thu, fri, sat, sun)");
  }

  // ------------------------------------------------------------------ scalars

  private JsonNode required(JsonNode n, String key, String path) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw bad(path.isEmpty() ? key : path + "." + key, "is required");
    }
    return v;
  }

  private void keys(JsonNode n, String path, Set<String> allowed) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        String near = closest(k, allowed);
        throw bad(path.isEmpty() ? k : path + "." + k, "unknown key"
            + (near == null ? "" : " (did you mean '" + near + "'?)")
            + "; expected one of " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private String text(JsonNode n, String path) {
    if (n == null || !n.isValueNode() || n.isNull()) {
      throw bad(path, "must be a string");
    }
    return n.asText();
  }

  private List<String> strings(JsonNode n, String path) {
    if (n.isTextual()) {
      return List.of(n.asText());
    }
    if (!n.isArray()) {
      throw bad(path, "must be a string or a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      out.add(text(n.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  private Instant instant(JsonNode n, String path) {
    String s = text(n, path);
    try {
      return Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      throw bad(path, "'" + s + "' is not an ISO-8601 instant such as 2026-03-02T10:00:00Z");
    }
  }

  private Duration duration(JsonNode n, String path) {
    String s = text(n, path);
    try {
      Duration d = Duration.parse(s);
      if (d.isNegative() || d.isZero()) {
        throw bad(path, "must be a positive duration");
      }
      return d;
    } catch (java.time.format.DateTimeParseException e) {
      throw bad(path, "'" + s + "' is not an ISO-8601 duration such as PT15M, PT2H or P1D");
    }
  }

  /** Returns the candidate within edit distance 2 of {@code s}, or null. */
  static String closest(String s, Iterable<String> candidates) {
    String best = null;
    int bestD = 3;
    for (String c : candidates) {
      int d = distance(s.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
