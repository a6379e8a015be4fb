package dev.remit.cli;

import static dev.remit.cli.SuiteNodes.child;
import static dev.remit.cli.SuiteNodes.closest;
import static dev.remit.cli.SuiteNodes.kind;
import static dev.remit.cli.SuiteNodes.value;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remit.AuthZen;
import dev.remit.Grant;
import dev.remit.Grants;
import dev.remit.Outcome;
import dev.remit.Policy;
import dev.remit.PolicyException;
import dev.remit.Problem;
import dev.remit.ReasonCode;
import dev.remit.Request;
import dev.remit.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads policy test suites ({@code docs/test-suite-format.md}) into {@link Suite}s. Everything is
 * checked up front and every problem of every suite is reported together, each with file, path,
 * message and suggestion like the policy loader's, before any case runs. What the policy format
 * defines — grants, scopes, instants, durations — is read by core's {@link Grants}, so a suite
 * says exactly what a policy document would about them.
 */
final class SuiteReader {
  static final List<String> SUITE_KEYS = List.of("name", "policy", "clock", "cases");
  static final List<String> CASE_KEYS = List.of("name", "at", "steps", "request", "expect");
  static final List<String> EXPECT_KEYS = List.of("outcome", "reasons", "reasons_include", "grant",
      "obligations");
  static final List<String> STEP_KINDS = List.of("revoke_grant", "suspend_agent", "resume_agent",
      "revoke_agent", "restrict_entitlements", "lift_entitlement_restriction", "issue_grant", "approve",
      "advance_clock", "set_clock", "swap_policy");
  static final List<String> COMPACT_REQUEST_KEYS = List.of("subject", "tool", "operation", "resource",
      "resource_type", "args", "resource_properties", "context");
  static final List<String> RESTRICT_KEYS = List.of("principal", "entitlements");
  static final List<String> APPROVE_KEYS = List.of("approver", "role", "ttl", "request", "case", "as");

  private final Path file;
  private final String source;
  private final SuiteNodes in;
  private final Map<String, Suite.Case> casesByName = new HashMap<>();
  /** Approve steps that name a case, resolved once every case is read. */
  private final List<Runnable> pending = new ArrayList<>();
  /**
   * The policy whose catalog scopes are checked against as they are read: the suite's, until a
   * {@code swap_policy} step may have put another in force (issuance checks them then).
   */
  private Policy catalog;

  private SuiteReader(Path file) {
    this.file = file;
    this.source = file.toString();
    this.in = new SuiteNodes(source);
  }

  /**
   * Returns the suites in {@code files}.
   *
   * @throws InputException listing every problem of every malformed suite, in file order and, within
   *     a file, in the order of the suite
   */
  static List<Suite> readAll(List<Path> files) {
    List<Suite> out = new ArrayList<>();
    List<Problem> found = new ArrayList<>();
    int malformed = 0;
    for (Path f : files) {
      SuiteReader r = new SuiteReader(f);
      Suite s = r.read();
      if (r.in.count() == 0) {
        out.add(s);
      } else {
        malformed++;
        found.addAll(r.inSuiteOrder());
      }
    }
    if (!found.isEmpty()) {
      throw new InputException(render(found, malformed));
    }
    return out;
  }

  /** Returns one line for one problem, else a count and one indented line per problem. */
  static String render(List<Problem> found, int suites) {
    if (found.size() == 1) {
      return "malformed suite: " + found.get(0);
    }
    StringBuilder b = new StringBuilder(suites == 1 ? "malformed suite (" + found.size() + " problems):"
        : "malformed suites (" + found.size() + " problems in " + suites + " suites):");
    found.forEach(p -> b.append("\n  ").append(p));
    return b.toString();
  }

  /**
   * Returns the problems by the case (or standalone step) they are in, in reading order within
   * it: an approve step naming a later case is checked only once every case is read.
   */
  private List<Problem> inSuiteOrder() {
    List<Problem> sorted = new ArrayList<>(in.problems());
    sorted.sort(Comparator.comparingInt(this::caseIndex));
    return sorted;
  }

  private int caseIndex(Problem p) {
    String path = p.path();
    if (!p.source().equals(source) || !path.startsWith("cases[")) {
      return -1;
    }
    try {
      return Integer.parseInt(path.substring("cases[".length(), path.indexOf(']')));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private Suite read() {
    JsonNode root;
    try {
      root = Yaml.TREE.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      in.problem("", "no such file", null);
      return null;
    } catch (IOException e) {
      in.problem("", "not valid YAML: " + CheckCommand.firstLine(e.getMessage()), null);
      return null;
    }
    if (root == null || !root.isObject()) {
      in.problem("", "a suite must be a mapping with policy, clock and cases", null);
      return null;
    }
    in.keys(root, "", SUITE_KEYS, List.of());
    String name = root.has("name") ? in.text(root.get("name"), "name") : file.getFileName().toString();
    JsonNode p = in.required(root, "policy", "");
    Policy policy = p == null ? null : suitePolicy(p);
    catalog = policy;
    JsonNode c = in.required(root, "clock", "");
    Instant clock = c == null ? null : in.instant(c, "clock");
    List<Suite.Item> items = new ArrayList<>();
    JsonNode cases = in.required(root, "cases", "");
    if (cases != null && (!cases.isArray() || cases.isEmpty())) {
      in.problem("cases", "must be a non-empty list of cases and steps", null);
    } else if (cases != null) {
      for (int i = 0; i < cases.size(); i++) {
        Suite.Item item = item(cases.get(i), "cases[" + i + "]", i);
        if (item != null) {
          items.add(item);
        }
      }
    }
    pending.forEach(Runnable::run);
    return new Suite(file, name, policy, clock, List.copyOf(items));
  }

  private Suite.Item item(JsonNode n, String path, int index) {
    if (!n.isObject()) {
      in.problem(path, "must be a mapping: a case, or a step such as {revoke_grant: g1}", null);
      return null;
    }
    if (isStep(n)) {
      Suite.Step s = step(n, path, null);
      return s == null ? null : new Suite.StepItem(s);
    }
    Suite.Case c = testCase(n, path, index);
    if (c.name() != null && casesByName.putIfAbsent(c.name(), c) != null) {
      in.problem(child(path, "name"), "duplicate case name '" + c.name() + "'", null);
    }
    return c;
  }

  private static boolean isStep(JsonNode n) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      if (STEP_KINDS.contains(it.next())) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ policies

  /** A policy, or what is wrong with it (file and path of each problem). */
  private record Loaded(Policy policy, List<Problem> problems) {}

  private Policy suitePolicy(JsonNode n) {
    Loaded l = load(n, "policy");
    in.addAll(l.problems());
    return l.policy();
  }

  /**
   * Returns the policy inline ({@code {agents: …}}) or in a file relative to the suite. The problems
   * of an inline policy are placed under {@code path} in the suite; those of a file keep their file
   * and follow one problem at {@code path} naming it.
   */
  private Loaded load(JsonNode n, String path) {
    if (n.isTextual()) {
      Path p = file.toAbsolutePath().getParent().resolve(n.asText()).normalize();
      if (!Files.isRegularFile(p)) {
        return failed(path, "policy file " + n.asText() + " not found (looked for " + p + ")");
      }
      try {
        return new Loaded(Policy.load(p), List.of());
      } catch (PolicyException e) {
        List<Problem> found = new ArrayList<>();
        found.add(new Problem(source, path, "policy " + n.asText() + " is invalid", null));
        found.addAll(e.problems());
        return new Loaded(null, found);
      }
    }
    if (n.isObject()) {
      String inline = source + "#" + path;
      try {
        return new Loaded(Policy.parse(Yaml.TREE.writeValueAsString(n), inline), List.of());
      } catch (PolicyException e) {
        return new Loaded(null, e.problems().stream().map(p -> !p.source().equals(inline) ? p
            : new Problem(source, p.path().isEmpty() ? path : child(path, p.path()), p.message(),
                p.suggestion())).toList());
      } catch (IOException e) {
        return failed(path, "cannot render inline policy: " + e.getMessage());
      }
    }
    return failed(path, "must be a policy file path (relative to the suite) or an inline policy mapping");
  }

  private Loaded failed(String path, String message) {
    return new Loaded(null, List.of(new Problem(source, path, message, null)));
  }

  // ------------------------------------------------------------------ cases

  private Suite.Case testCase(JsonNode n, String path, int index) {
    in.keys(n, path, CASE_KEYS, STEP_KINDS);
    String name = n.has("name") ? in.text(n.get("name"), child(path, "name")) : "case " + (index + 1);
    Instant at = n.has("at") ? in.instant(n.get("at"), child(path, "at")) : null;
    boolean hasRequest = n.has("request");
    // steps come first in the file; the request an approve step defaults to is filled in after them
    Request[] request = new Request[1];
    List<Suite.Step> steps = new ArrayList<>();
    JsonNode s = n.get("steps");
    if (s != null && !s.isArray()) {
      in.problem(child(path, "steps"), "expected a list of steps, got " + kind(s), null);
    } else if (s != null) {
      for (int i = 0; i < s.size(); i++) {
        String sp = path + ".steps[" + i + "]";
        if (!s.get(i).isObject() || !isStep(s.get(i))) {
          String near = s.get(i).isObject() && s.get(i).size() > 0 ? closest(s.get(i).fieldNames().next(), STEP_KINDS)
              : null;
          in.problem(sp, "must be a step, one of " + String.join(", ", STEP_KINDS),
              near == null ? null : "did you mean '" + near + "'?");
          continue;
        }
        Suite.Step step = step(s.get(i), sp, hasRequest ? request : null);
        if (step != null) {
          steps.add(step);
        }
      }
    }
    if (hasRequest) {
      request[0] = request(n.get("request"), child(path, "request"));
    }
    Suite.Expect expect = null;
    if (hasRequest) {
      JsonNode e = in.required(n, "expect", path);
      expect = e == null ? null : expect(e, child(path, "expect"));
    } else if (n.has("expect")) {
      in.problem(child(path, "expect"), "a case without a request has nothing to expect",
          "put expect_error on its steps instead");
    } else if (s == null || (s.isArray() && s.isEmpty())) {
      in.problem(path, "a case needs a request (with expect) or steps", null);
    }
    return new Suite.Case(name, path, at, List.copyOf(steps), request[0], expect);
  }

  private Suite.Expect expect(JsonNode n, String path) {
    if (!n.isObject()) {
      in.problem(path, "expected a map with outcome and reasons or reasons_include, got " + kind(n), null);
      return null;
    }
    in.keys(n, path, EXPECT_KEYS, List.of());
    JsonNode o = in.required(n, "outcome", path);
    Outcome outcome = o == null ? null : outcome(o, child(path, "outcome"));
    List<ReasonCode> reasons = n.has("reasons") ? codes(n.get("reasons"), child(path, "reasons")) : null;
    List<ReasonCode> include = n.has("reasons_include")
        ? codes(n.get("reasons_include"), child(path, "reasons_include")) : null;
    if (n.has("reasons") && n.has("reasons_include")) {
      in.problem(path, "give reasons (the exact set) or reasons_include (a subset), not both", null);
    }
    String grant = n.has("grant") ? in.text(n.get("grant"), child(path, "grant")) : null;
    List<String> obligations = n.has("obligations") ? in.strings(n.get("obligations"), child(path, "obligations"))
        : null;
    return new Suite.Expect(outcome, reasons, include, grant, obligations);
  }

  private Outcome outcome(JsonNode n, String path) {
    String s = in.text(n, path);
    if (s == null) {
      return null;
    }
    try {
      return Outcome.valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      in.problem(path, "unknown outcome '" + s + "'", "expected allow, deny or require_approval");
      return null;
    }
  }

  private List<ReasonCode> codes(JsonNode n, String path) {
    if (!n.isArray()) {
      in.problem(path, "expected a list of reason codes, got " + kind(n), "e.g. [GRANT_MATCHED]");
      return null;
    }
    List<ReasonCode> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String at = path + "[" + i + "]";
      String s = in.text(n.get(i), at);
      if (s == null) {
        continue;
      }
      String name = s.toUpperCase(Locale.ROOT).replace('-', '_');
      try {
        out.add(ReasonCode.valueOf(name));
      } catch (IllegalArgumentException e) {
        String near = closest(name, Stream.of(ReasonCode.values()).map(ReasonCode::name).toList());
        in.problem(at, "unknown reason code '" + s + "'", near == null ? null : "did you mean " + near + "?");
      }
    }
    return List.copyOf(out);
  }

  // ------------------------------------------------------------------ requests

  /** Returns the request in AuthZEN shape (has {@code action}) or compact shape, or null. */
  private Request request(JsonNode n, String path) {
    if (!n.isObject()) {
      in.problem(path, "expected a map, got " + kind(n), "an AuthZEN request (subject, action, resource, context) "
          + "or a compact one (subject, tool, operation, resource, args)");
      return null;
    }
    if (n.has("action") || n.path("subject").isObject()) {
      try {
        return AuthZen.parseRequest(Yaml.JSON.writeValueAsString(n));
      } catch (IOException | IllegalArgumentException e) {
        in.problem(path, "not an AuthZEN request: " + e.getMessage(), null);
        return null;
      }
    }
    int before = in.count();
    in.keys(n, path, COMPACT_REQUEST_KEYS, List.of());
    Request r = new Request(
        optText(n, "subject", path), optText(n, "tool", path), optText(n, "operation", path),
        optText(n, "resource", path), optText(n, "resource_type", path),
        optMap(n, "args", path), optMap(n, "resource_properties", path), optMap(n, "context", path));
    return in.count() > before ? null : r;
  }

  private String optText(JsonNode n, String key, String path) {
    return n.has(key) && !n.get(key).isNull() ? in.text(n.get(key), child(path, key)) : null;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> optMap(JsonNode n, String key, String path) {
    if (!n.has(key) || n.get(key).isNull()) {
      return null;
    }
    if (!n.get(key).isObject()) {
      in.problem(child(path, key), "expected a map, got " + kind(n.get(key)), null);
      return null;
    }
    return (Map<String, Object>) value(n.get(key));
  }

  // ------------------------------------------------------------------ steps

  /**
   * Returns the step in {@code n}, exactly one step key plus optionally {@code expect_error}, or
   * null if it has problems (reported).
   *
   * @param caseRequest holds the enclosing case's request (the default request of {@code approve})
   *     once it is read, or null when there is none
   */
  private Suite.Step step(JsonNode n, String path, Request[] caseRequest) {
    int before = in.count();
    String kind = null;
    String expectError = null;
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.equals("expect_error")) {
        expectError = in.text(n.get(k), child(path, k));
      } else if (STEP_KINDS.contains(k)) {
        if (kind != null) {
          in.problem(path, "one step per list item; found " + kind + " and " + k, null);
        }
        kind = kind == null ? k : kind;
      } else if (k.equals("set_entitlements")) {
        in.problem(child(path, k), "set_entitlements was replaced by restrict_entitlements",
            "a runtime change now narrows a principal (its document entitlements still apply), and "
                + "lift_entitlement_restriction undoes it");
      } else {
        String near = closest(k, Stream.concat(STEP_KINDS.stream(), Stream.of("expect_error")).toList());
        in.problem(child(path, k), "unknown step key '" + k + "'", near != null ? "did you mean '" + near + "'?"
            : "a step is one of " + String.join(", ", STEP_KINDS) + ", plus optional expect_error");
      }
    }
    // a step that is expected to fail may be a test of exactly what issuance checks against the catalog
    Policy policy = expectError == null ? catalog : null;
    String p = child(path, kind);
    JsonNode v = n.get(kind);
    Suite.Action action = switch (kind) {
      case "revoke_grant" -> id(v, p, (ctx, id) -> "revoked " + ctx.remit().revokeGrant(id));
      case "suspend_agent" -> id(v, p, (ctx, id) -> {
        ctx.remit().suspendAgent(id);
        return "suspended " + id;
      });
      case "resume_agent" -> id(v, p, (ctx, id) -> {
        ctx.remit().resumeAgent(id);
        return "resumed " + id;
      });
      case "revoke_agent" -> id(v, p, (ctx, id) -> {
        ctx.remit().revokeAgent(id);
        return "revoked agent " + id;
      });
      case "lift_entitlement_restriction" -> id(v, p, (ctx, id) -> {
        ctx.remit().liftEntitlementRestriction(id);
        return "entitlement restriction of " + id + " lifted";
      });
      case "restrict_entitlements" -> restrict(v, p, policy);
      case "issue_grant" -> issue(v, p, policy);
      case "approve" -> approve(v, p, caseRequest);
      case "advance_clock" -> {
        Duration d = in.duration(v, p);
        yield d == null ? null : ctx -> {
          ctx.clock().advance(d);
          return "clock now " + ctx.clock().instant();
        };
      }
      case "set_clock" -> {
        Instant t = in.instant(v, p);
        yield t == null ? null : ctx -> {
          ctx.clock().set(t);
          return "clock now " + t;
        };
      }
      case "swap_policy" -> swap(v, p);
      default -> throw new IllegalStateException(kind);
    };
    return action == null || in.count() > before ? null : new Suite.Step(kind, path, expectError, action);
  }

  /** The work of a step that names one identity. */
  private interface IdAction {
    String run(SuiteRunner.Context ctx, String id);
  }

  private Suite.Action id(JsonNode v, String p, IdAction action) {
    String id = in.text(v, p);
    return id == null ? null : ctx -> action.run(ctx, id);
  }

  private Suite.Action restrict(JsonNode v, String p, Policy policy) {
    if (!v.isObject()) {
      in.problem(p, "expected a map {principal: ID, entitlements: [SCOPE...]}, got " + kind(v), null);
      return null;
    }
    in.keys(v, p, RESTRICT_KEYS, List.of());
    JsonNode who = in.required(v, "principal", p);
    String principal = who == null ? null : in.text(who, child(p, "principal"));
    JsonNode e = in.required(v, "entitlements", p);
    List<Scope> scopes = e == null ? null
        : in.core(() -> Grants.readScopes(value(e), source, child(p, "entitlements"), policy));
    if (principal == null || scopes == null) {
      return null;
    }
    return ctx -> {
      ctx.remit().restrictEntitlements(principal, scopes);
      return "entitlements of " + principal + " restricted";
    };
  }

  @SuppressWarnings("unchecked")
  private Suite.Action issue(JsonNode v, String p, Policy policy) {
    Object spec = value(v);
    String by = null;
    if (v.isObject() && v.has("delegated_by")) {
      // the step's own key: who delegates a sub-grant is not part of the grant
      by = in.text(v.get("delegated_by"), child(p, "delegated_by"));
      ((Map<String, Object>) spec).remove("delegated_by");
    }
    Grant.Builder g = in.core(() -> Grants.readGrant(spec, source, p, policy));
    if (g == null) {
      return null;
    }
    String named = by;
    return ctx -> {
      Grant built = g.build(ctx.remit().clock().instant());
      if (built.parent() == null) {
        return "issued " + ctx.remit().issue(built).id();
      }
      // a sub-grant is delegated by the holder of its parent, unless the step names another delegator
      Grant parent = ctx.remit().grant(built.parent());
      String delegator = named != null ? named : parent != null ? parent.holder() : built.holder();
      return "issued " + ctx.remit().delegate(delegator, built).id() + " (delegated by " + delegator + ")";
    };
  }

  private Suite.Action approve(JsonNode v, String p, Request[] caseRequest) {
    if (!v.isObject()) {
      in.problem(p, "expected a map {approver, role, ttl?, request? | case?, as?}, got " + kind(v), null);
      return null;
    }
    int before = in.count();
    in.keys(v, p, APPROVE_KEYS, List.of());
    JsonNode who = in.required(v, "approver", p);
    String approver = who == null ? null : in.text(who, child(p, "approver"));
    JsonNode r = in.required(v, "role", p);
    String role = r == null ? null : in.text(r, child(p, "role"));
    Duration ttl = v.has("ttl") ? in.duration(v.get("ttl"), child(p, "ttl")) : Duration.ofMinutes(15);
    String as = v.has("as") ? in.text(v.get("as"), child(p, "as")) : null;
    if (as != null && (as.equals("last") || !as.matches("[A-Za-z0-9_-]+"))) {
      in.problem(child(p, "as"), "an approval name is letters, digits, '_' and '-' and not 'last'", null);
    }
    boolean named = v.has("request") || v.has("case");
    Request[] target = !named && caseRequest != null ? caseRequest : new Request[1];
    if (v.has("request") && v.has("case")) {
      in.problem(p, "give request or case, not both", null);
    } else if (v.has("request")) {
      target[0] = request(v.get("request"), child(p, "request"));
    } else if (v.has("case")) {
      String name = in.text(v.get("case"), child(p, "case"));
      if (name != null) {
        pending.add(() -> {
          Suite.Case c = casesByName.get(name);
          if (c == null || c.request() == null) {
            String near = closest(name, casesByName.keySet());
            in.problem(child(p, "case"), "no case named '" + name + "' with a request",
                near == null ? null : "did you mean '" + near + "'?");
          } else {
            target[0] = c.request();
          }
        });
      }
    } else if (caseRequest == null) {
      in.problem(p, "a standalone approve needs request or case",
          "inside a case it defaults to the case's request");
    }
    if (in.count() > before) {
      return null;
    }
    return ctx -> {
      Request req = ctx.resolve(withoutApproval(target[0]));
      dev.remit.Approval a = ctx.remit().approve(req, approver, role, ttl);
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

  private Suite.Action swap(JsonNode v, String p) {
    if (!v.isTextual() && !v.isObject()) {
      in.problem(p, "must be a policy file path (relative to the suite) or an inline policy mapping", null);
      return null;
    }
    // from here on, the policy in force is not known while reading: issuance checks scopes instead
    catalog = null;
    // loaded when the step runs, so that a suite can assert that a bad policy is rejected
    return ctx -> {
      Loaded next = load(v, p);
      if (next.policy() == null) {
        throw new IllegalArgumentException(next.problems().size() == 1 ? next.problems().get(0).toString()
            : String.join("\n  ", next.problems().stream().map(Problem::toString).toList()));
      }
      ctx.remit().swapPolicy(next.policy());
      return "policy " + next.policy().version() + " in force";
    };
  }
}
