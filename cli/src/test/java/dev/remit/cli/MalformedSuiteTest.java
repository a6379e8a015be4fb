package dev.remit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A malformed suite: every problem of every suite at once, each with file and path, nothing run. */
class MalformedSuiteTest {
  @TempDir
  Path dir;

  private Path suite(String name, String text) throws IOException {
    Files.createDirectories(dir.resolve("policies"));
    Files.copy(Cli.repo().resolve("examples/suites/policies/shop.yaml"), dir.resolve("policies/shop.yaml"),
        StandardCopyOption.REPLACE_EXISTING);
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void everyProblemOfEveryCaseAndStepIsReportedInOneRunInSuiteOrder() throws IOException {
    Path f = suite("suite.yaml", """
        policy: policies/shop.yaml
        clock: 2026-03-02 10:00
        cases:
          - name: typo in the outcome
            request: {subject: shop-bot, tool: catalog, operation: search, resource: shop/catalog/a}
            expect: {outcome: alow, reasons: [GRANT_MATCHD]}
          - name: an approval for a case that does not exist
            steps:
              - approve: {approver: erin, role: purchasing, case: big ordr}
          - advance_clock: 20 minutes
          - name: a grant with a typo in its tool and a bad window
            steps:
              - issue_grant:
                  id: g2
                  principal: dana
                  holder: shop-bot
                  scopes: [{tools: [catalog, catalg], operations: [search], resources: ["shop/**"]}]
                  ttl: PT1H
                  window: {start: "09:00", end: "17:00"}
              - restrict_entitlements:
                  principal: dana
                  entitlements: [{tools: [orders], operations: [plac], resources: ["shop/**"]}]
            request: {subject: shop-bot, tool: catalog, operation: search, resource: shop/catalog/a}
            expect: {outcome: allow, reson: [GRANT_MATCHED]}
        """);

    Cli r = Cli.run("test", f.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList()).containsExactly(
        "remit test: malformed suite (9 problems):",
        "  " + f + ": clock: '2026-03-02 10:00' is not an ISO-8601 instant (write e.g. 2026-11-23T18:00:00Z)",
        "  " + f + ": cases[0].expect.outcome: unknown outcome 'alow' (expected allow, deny or require_approval)",
        "  " + f + ": cases[0].expect.reasons[0]: unknown reason code 'GRANT_MATCHD' (did you mean GRANT_MATCHED?)",
        "  " + f + ": cases[1].steps[0].approve.case: no case named 'big ordr' with a request",
        "  " + f + ": cases[2].advance_clock: '20 minutes' is not an ISO-8601 duration"
            + " (write e.g. PT5M for five minutes or PT1H for an hour)",
        "  " + f + ": cases[3].steps[0].issue_grant.scopes[0].tools[1]: tool 'catalg' is not in the catalog"
            + " (did you mean 'catalog'?)",
        "  " + f + ": cases[3].steps[0].issue_grant.window: missing required key 'zone'",
        "  " + f + ": cases[3].steps[1].restrict_entitlements.entitlements[0].operations[0]: operation 'plac' is"
            + " not an operation of orders (did you mean 'place'?)",
        "  " + f + ": cases[3].expect.reson: unknown key 'reson' (did you mean 'reasons'?)");
  }

  @Test
  void theProblemsOfSeveralSuitesAreReportedTogetherAndNoneRuns() throws IOException {
    Path good = suite("a-good.yaml", TestCommandTest.HEADER + TestCommandTest.ALLOWED);
    Path bad1 = suite("b-bad.yaml", TestCommandTest.HEADER + """
        cases:
          - set_clock: tomorrow
        """);
    Path bad2 = suite("c-bad.yaml", """
        policy: {tools: [{name: t, operations: {go: flying}}]}
        clock: 2026-03-02T10:00:00Z
        cases: []
        """);

    Cli r = Cli.run("test", good.toString(), bad1.toString(), bad2.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList()).containsExactly(
        "remit test: malformed suites (3 problems in 2 suites):",
        "  " + bad1 + ": cases[0].set_clock: 'tomorrow' is not an ISO-8601 instant (write e.g. 2026-11-23T18:00:00Z)",
        "  " + bad2 + ": policy.tools[0].operations.go: unknown risk class 'flying'"
            + " (one of: read, write, admin, money-movement, production-change, external-communication)",
        "  " + bad2 + ": cases: must be a non-empty list of cases and steps");
  }

  @Test
  void aPolicyFileWithProblemsIsNamedAtItsPlaceInTheSuiteThenEachProblemInTheFile() throws IOException {
    Path f = suite("suite.yaml", """
        policy: policies/broken.yaml
        clock: 2026-03-02T10:00:00Z
        cases:
          - {name: x, steps: [{advance_clock: PT1M}]}
        """);
    Path broken = dir.resolve("policies/broken.yaml");
    Files.writeString(broken, "tools: [{name: t, operations: {go: flying}}]\nagents: [{id: a, colour: blue}]\n");

    Cli r = Cli.run("test", f.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().lines().toList()).containsExactly(
        "remit test: malformed suite (3 problems):",
        "  " + f + ": policy: policy policies/broken.yaml is invalid",
        "  " + broken + ": agents[0].colour: unknown key 'colour'"
            + " (known keys here: id, owner, purpose, environment, state, part_of, role)",
        "  " + broken + ": tools[0].operations.go: unknown risk class 'flying'"
            + " (one of: read, write, admin, money-movement, production-change, external-communication)");
  }

  @Test
  void aStepExpectedToFailOrAfterAPolicySwapIsLeftToIssuanceToCheckAgainstTheCatalog() throws IOException {
    Path f = suite("suite.yaml", TestCommandTest.HEADER + """
        cases:
          - name: issuance refuses a tool the catalog lacks
            steps:
              - issue_grant:
                  id: g2
                  principal: dana
                  holder: shop-bot
                  scopes: [{tools: [catalg], operations: [search], resources: ["shop/**"]}]
                  ttl: PT1H
                expect_error: "tool pattern 'catalg' matches no tool in the catalog (did you mean 'catalog'?)"
          - swap_policy: policies/shop.yaml
          - issue_grant:
              id: g3
              principal: dana
              holder: shop-bot
              scopes: [{tools: [catalg], operations: [search], resources: ["shop/**"]}]
              ttl: PT1H
        """);

    Cli r = Cli.run("test", f.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out().lines().toList()).containsExactly(
        "PASS issuance refuses a tool the catalog lacks",
        "FAIL step issue_grant at cases[2]",
        "  issue_grant failed: grant g3 refused: scope 0: tool pattern 'catalg' matches no tool in the catalog"
            + " (did you mean 'catalog'?)",
        "1 passed, 1 failed");
  }

  @Test
  void delegatedByIsTheStepsOwnKeyAndTheRestIsTheGrant() throws IOException {
    Path f = suite("suite.yaml", TestCommandTest.HEADER + """
        cases:
          - name: a grant's holder delegates it, whoever the step names
            steps:
              - issue_grant:
                  id: prices.x
                  parent: shopping
                  holder: price-checker
                  scopes: [{tools: [catalog], operations: [search], resources: ["shop/catalog/*"]}]
                  ttl: PT10M
                  delegated_by: shop-bot.buyer
                expect_error: "'shop-bot.buyer' does not hold parent grant 'shopping'"
          - issue_grant: {id: y, parent: shopping, holder: price-checker, ttl: PT1M, delegated_by: [a],
                          scopes: [{tools: catalog, operations: search, resources: "**"}], colour: blue}
        """);

    Cli r = Cli.run("test", f.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().lines().toList()).containsExactly(
        "remit test: malformed suite (2 problems):",
        "  " + f + ": cases[1].issue_grant.delegated_by: expected a string, got a list",
        "  " + f + ": cases[1].issue_grant.colour: unknown key 'colour' (known keys here: id, principal, holder, "
            + "parent, task, scopes, constraints, not_before, expires_at, ttl, window, max_calls, credential)");
  }

  /** The CLI reads what the policy format defines through core's public codec, never with its own copy. */
  @Test
  void theCliHasNoCopyOfThePolicyFormatAndUsesOnlyCorePublicApi() throws IOException {
    Path sources = Cli.repo().resolve("cli/src/main/java");
    List<Path> files;
    try (Stream<Path> s = Files.walk(sources)) {
      files = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).isNotEmpty();
    Pattern internal = Pattern.compile("dev\\.remit\\.internal");
    for (Path p : files) {
      Matcher m = internal.matcher(Files.readString(p));
      assertThat(m.find()).as("%s uses core internals", p).isFalse();
    }
    for (String reader : List.of("SuiteReader.java", "SuiteNodes.java")) {
      String text = Files.readString(sources.resolve("dev/remit/cli/" + reader));
      assertThat(text).as(reader).doesNotContain("Grant.builder(", "new Scope(", "Scope.of(", "new TimeWindow(",
          "new CredentialSpec(", "Constraint.parse(", "Duration.parse(", "Instant.parse(", "LocalTime.parse(",
          "ZoneId.of(", "DayOfWeek", "OffsetDateTime");
    }
  }
}
