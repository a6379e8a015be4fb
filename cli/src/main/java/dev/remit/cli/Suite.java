package dev.remit.cli;

import dev.remit.Outcome;
import dev.remit.Policy;
import dev.remit.ReasonCode;
import dev.remit.Request;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A parsed policy test suite (format: {@code docs/test-suite-format.md}): a policy, a start clock
 * and items, each a case or a standalone step.
 *
 * @param file the suite file
 * @param name the suite's name (declared, or the file name)
 * @param policy the policy the suite starts with
 * @param clock the instant the suite's clock starts at
 * @param items cases and standalone steps, in order
 */
record Suite(Path file, String name, Policy policy, Instant clock, List<Item> items) {

  /** A case or a standalone step. */
  sealed interface Item permits Case, StepItem {}

  /**
   * One test case: optional clock setting and steps, then optionally a request and its expectation.
   *
   * @param name case name printed on its PASS/FAIL line
   * @param path location in the suite file, e.g. {@code cases[3]}
   * @param at instant to set the clock to before the steps, or null
   * @param steps steps run before the request
   * @param request the request, or null for a case that only runs steps
   * @param expect what the decision must be (null iff request is null)
   */
  record Case(String name, String path, Instant at, List<Step> steps, Request request, Expect expect)
      implements Item {}

  /** A step between cases; it is not a test but fails the run if it fails. */
  record StepItem(Step step) implements Item {}

  /**
   * The expected decision.
   *
   * @param outcome expected outcome
   * @param reasons exact set of reason codes, or null
   * @param reasonsInclude codes that must be among the reasons, or null
   * @param grant expected matched grant id, or null (not checked)
   * @param obligations exact set of obligation types, or null (not checked)
   */
  record Expect(Outcome outcome, List<ReasonCode> reasons, List<ReasonCode> reasonsInclude, String grant,
      List<String> obligations) {
    /** Returns every code this expectation names. */
    Set<ReasonCode> codes() {
      java.util.EnumSet<ReasonCode> s = java.util.EnumSet.noneOf(ReasonCode.class);
      if (reasons != null) {
        s.addAll(reasons);
      }
      if (reasonsInclude != null) {
        s.addAll(reasonsInclude);
      }
      return s;
    }
  }

  /**
   * A change to the decision point's state or clock.
   *
   * @param kind step name as written, e.g. {@code revoke_grant}
   * @param path location in the suite file
   * @param expectError substring the step's error message must contain, or null if it must succeed
   * @param action what the step does
   */
  record Step(String kind, String path, String expectError, Action action) {}

  /** The work of a step; returns a short description of what happened. */
  @FunctionalInterface
  interface Action {
    String run(SuiteRunner.Context ctx) throws Exception;
  }

  /** Returns every reason code the suite's cases assert. */
  Set<ReasonCode> assertedCodes() {
    java.util.EnumSet<ReasonCode> s = java.util.EnumSet.noneOf(ReasonCode.class);
    for (Item i : items) {
      if (i instanceof Case c && c.expect() != null) {
        s.addAll(c.expect().codes());
      }
    }
    return s;
  }

  /** Returns every outcome the suite's cases assert. */
  Set<Outcome> assertedOutcomes() {
    java.util.EnumSet<Outcome> s = java.util.EnumSet.noneOf(Outcome.class);
    for (Item i : items) {
      if (i instanceof Case c && c.expect() != null) {
        s.add(c.expect().outcome());
      }
    }
    return s;
  }
}
