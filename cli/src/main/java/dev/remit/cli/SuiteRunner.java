package dev.remit.cli;

import dev.remit.Decision;
import dev.remit.Reason;
import dev.remit.ReasonCode;
import dev.remit.Remit;
import dev.remit.Request;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs {@link Suite}s: one fresh decision point per suite (its policy, a clock that only the suite
 * moves, no decision cache), items in order. Prints {@code PASS name} or {@code FAIL name} with the
 * difference per case, and after all suites the line {@code N passed, N failed}.
 */
final class SuiteRunner {
  private final PrintWriter out;

  SuiteRunner(PrintWriter out) {
    this.out = out;
  }

  /** Counts of a run. */
  record Totals(int passed, int failed) {}

  /** What a step or case sees of the running suite. */
  static final class Context {
    private final Remit remit;
    private final MutableClock clock;
    private final Map<String, String> approvals = new HashMap<>();

    Context(Remit remit, MutableClock clock) {
      this.remit = remit;
      this.clock = clock;
    }

    Remit remit() {
      return remit;
    }

    MutableClock clock() {
      return clock;
    }

    /** Records an approval id as {@code $last} and, if named, as {@code $name}. */
    void remember(String name, String approvalId) {
      approvals.put("last", approvalId);
      if (name != null) {
        approvals.put(name, approvalId);
      }
    }

    /** Returns the request with {@code $last} / {@code $name} in context values replaced by approval ids. */
    Request resolve(Request r) {
      Map<String, Object> c = null;
      for (Map.Entry<String, Object> e : r.context().entrySet()) {
        if (e.getValue() instanceof String s && s.startsWith("$")) {
          String id = approvals.get(s.substring(1));
          if (id == null) {
            throw new IllegalStateException("context." + e.getKey() + ": no approval named '" + s
                + "' has been given yet");
          }
          if (c == null) {
            c = new LinkedHashMap<>(r.context());
          }
          c.put(e.getKey(), id);
        }
      }
      return c == null ? r : new Request(r.subject(), r.tool(), r.operation(), r.resource(), r.resourceType(),
          r.args(), r.resourceProperties(), c);
    }
  }

  /** Runs every suite and prints the closing line; returns the totals. */
  Totals runAll(List<Suite> suites) {
    int passed = 0;
    int failed = 0;
    for (Suite s : suites) {
      if (suites.size() > 1) {
        out.println("# " + s.name() + " (" + s.file() + ")");
      }
      Totals t = run(s);
      passed += t.passed();
      failed += t.failed();
    }
    out.println(passed + " passed, " + failed + " failed");
    out.flush();
    return new Totals(passed, failed);
  }

  /** Runs one suite, printing a line per case; returns its totals. */
  Totals run(Suite suite) {
    MutableClock clock = new MutableClock(suite.clock());
    Remit remit = Remit.builder().policy(suite.policy()).clock(clock).withoutDecisionCache().build();
    Context ctx = new Context(remit, clock);
    int passed = 0;
    int failed = 0;
    for (Suite.Item item : suite.items()) {
      if (item instanceof Suite.StepItem si) {
        String problem = runStep(si.step(), ctx);
        if (problem != null) {
          out.println("FAIL step " + si.step().kind() + " at " + si.step().path());
          out.println(indent(problem));
          failed++;
        }
        continue;
      }
      Suite.Case c = (Suite.Case) item;
      List<String> diff = runCase(c, ctx);
      if (diff.isEmpty()) {
        out.println("PASS " + c.name());
        passed++;
      } else {
        out.println("FAIL " + c.name());
        diff.forEach(line -> out.println(indent(line)));
        failed++;
      }
    }
    out.flush();
    return new Totals(passed, failed);
  }

  /** Returns why the step did not do what the suite says, or null. */
  private static String runStep(Suite.Step step, Context ctx) {
    String expected = step.expectError();
    try {
      String result = step.action().run(ctx);
      return expected == null ? null
          : step.kind() + " was expected to fail with \"" + expected + "\" but succeeded: " + result;
    } catch (Exception e) {
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (expected == null) {
        return step.kind() + " failed: " + msg;
      }
      return msg.contains(expected) ? null
          : step.kind() + " failed, but not with \"" + expected + "\": " + msg;
    }
  }

  private static List<String> runCase(Suite.Case c, Context ctx) {
    if (c.at() != null) {
      ctx.clock().set(c.at());
    }
    for (Suite.Step s : c.steps()) {
      String problem = runStep(s, ctx);
      if (problem != null) {
        return List.of("step " + s.path() + ": " + problem);
      }
    }
    if (c.request() == null) {
      return List.of();
    }
    Request r;
    try {
      r = ctx.resolve(c.request());
    } catch (IllegalStateException e) {
      return List.of(e.getMessage());
    }
    Decision d = ctx.remit().authorize(r);
    return compare(c.expect(), d);
  }

  /** Returns the difference between the expectation and the decision (empty when they agree). */
  static List<String> compare(Suite.Expect e, Decision d) {
    boolean ok = e.outcome() == d.outcome();
    List<ReasonCode> actual = d.codes();
    if (e.reasons() != null) {
      ok &= sorted(e.reasons()).equals(sorted(actual));
    }
    if (e.reasonsInclude() != null) {
      ok &= actual.containsAll(e.reasonsInclude());
    }
    if (e.grant() != null) {
      ok &= Objects.equals(e.grant(), d.grant());
    }
    List<String> types = d.obligations().stream().map(dev.remit.Obligation::type).distinct().sorted().toList();
    if (e.obligations() != null) {
      ok &= e.obligations().stream().distinct().sorted().toList().equals(types);
    }
    if (ok) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    String codes = e.reasons() != null ? e.reasons().toString()
        : e.reasonsInclude() != null ? "including " + e.reasonsInclude() : "";
    lines.add("expected: " + e.outcome() + (codes.isEmpty() ? "" : " " + codes)
        + (e.grant() == null ? "" : " grant " + e.grant())
        + (e.obligations() == null ? "" : " obligations " + e.obligations()));
    lines.add("actual:   " + d.outcome() + " " + actual + (e.grant() == null ? "" : " grant " + d.grant())
        + (e.obligations() == null ? "" : " obligations " + types));
    for (Reason reason : d.reasons()) {
      lines.add("  " + reason.code() + ": " + reason.message());
    }
    return lines;
  }

  /** Returns the text indented by two spaces, continuation lines by four. */
  private static String indent(String text) {
    return "  " + text.replace("\n", "\n    ");
  }

  private static List<ReasonCode> sorted(List<ReasonCode> codes) {
    return codes.stream().distinct().sorted().toList();
  }
}
