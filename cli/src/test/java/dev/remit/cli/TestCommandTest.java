package dev.remit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCommandTest {
  /** The start of a suite on the example shop policy (copied next to it as policies/shop.yaml). */
  static final String HEADER = "policy: policies/shop.yaml\nclock: 2026-03-02T10:00:00Z\n";

  @TempDir
  Path dir;

  private String suite(String text) throws IOException {
    Files.createDirectories(dir.resolve("policies"));
    Files.copy(Cli.repo().resolve("examples/suites/policies/shop.yaml"), dir.resolve("policies/shop.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path p = dir.resolve("suite.yaml");
    Files.writeString(p, HEADER + text);
    return p.toString();
  }

  static final String ALLOWED = """
      cases:
        - name: search is allowed
          request: {subject: shop-bot, tool: catalog, operation: search, resource: shop/catalog/a}
          expect: {outcome: allow, reasons: [GRANT_MATCHED]}
      """;

  @Test
  void aPassingSuitePrintsPassLinesAndTheExactClosingLine() throws IOException {
    Cli r = Cli.run("test", suite(ALLOWED));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("PASS search is allowed\n1 passed, 0 failed\n".replace("\n", System.lineSeparator()));
  }

  @Test
  void aFailingCaseShowsExpectedAndActualWithTheReasonsAndExitsOne() throws IOException {
    Cli r = Cli.run("test", suite("""
        cases:
          - name: passes
            request: {subject: shop-bot, tool: catalog, operation: search, resource: shop/catalog/a}
            expect: {outcome: allow}
          - name: wrongly expects a deny
            request: {subject: shop-bot, tool: catalog, operation: search, resource: shop/catalog/a}
            expect: {outcome: deny, reasons: [NO_MATCHING_GRANT]}
        """));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out().lines().toList()).containsExactly(
        "PASS passes",
        "FAIL wrongly expects a deny",
        "  expected: DENY [NO_MATCHING_GRANT]",
        "  actual:   ALLOW [GRANT_MATCHED]",
        "    GRANT_MATCHED: covered by grant 'shopping' held by 'shop-bot' on behalf of 'dana'",
        "1 passed, 1 failed");
  }

  @Test
  void reasonsIncludeIsASubsetCheck() throws IOException {
    Cli r = Cli.run("test", suite("""
        cases:
          - name: big order
            request: {subject: shop-bot.buyer, tool: orders, operation: place, resource: shop/orders/1, args: {total: 300, item: x}}
            expect: {outcome: require_approval, reasons_include: [APPROVAL_REQUIRED]}
          - name: exact set must match
            request: {subject: shop-bot.buyer, tool: orders, operation: place, resource: shop/orders/1, args: {total: 300, item: x}}
            expect: {outcome: require_approval, reasons: [APPROVAL_REQUIRED, APPROVAL_INVALID]}
        """));
    assertThat(r.out()).contains("PASS big order", "FAIL exact set must match").endsWith("1 passed, 1 failed"
        + System.lineSeparator());
  }

  @Test
  void aFailingStandaloneStepCountsAsAFailure() throws IOException {
    Cli r = Cli.run("test", suite("""
        cases:
          - revoke_grant: no-such-grant
          - name: search is allowed
            request: {subject: shop-bot, tool: catalog, operation: search, resource: shop/catalog/a}
            expect: {outcome: allow}
        """));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out().lines().toList()).containsExactly(
        "FAIL step revoke_grant at cases[0]",
        "  revoke_grant failed: no grant 'no-such-grant'",
        "PASS search is allowed",
        "1 passed, 1 failed");
  }

  @Test
  void aStepThatShouldFailButSucceedsFailsItsCase() throws IOException {
    Cli r = Cli.run("test", suite("""
        cases:
          - name: suspend is expected to fail
            steps:
              - suspend_agent: shop-bot
                expect_error: whatever
        """));
    assertThat(r.out()).contains("FAIL suspend is expected to fail",
        "step cases[0].steps[0]: suspend_agent was expected to fail with \"whatever\" but succeeded");
  }

  @Test
  void aMalformedSuiteExitsTwoNamingFileAndPathAndRunsNothing() throws IOException {
    String f = suite("""
        cases:
          - name: typo in the outcome
            request: {subject: shop-bot, tool: catalog, operation: search, resource: shop/catalog/a}
            expect: {outcome: alow}
        """);
    Cli r = Cli.run("test", f);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("remit test: malformed suite: " + f
        + ": cases[0].expect.outcome: unknown outcome 'alow' (expected allow, deny or require_approval)"
        + System.lineSeparator());
  }

  @Test
  void anUnknownReasonCodeIsReportedWithASuggestion() throws IOException {
    String f = suite("""
        cases:
          - request: {subject: shop-bot, tool: catalog, operation: search, resource: shop/catalog/a}
            expect: {outcome: allow, reasons: [GRANT_MATCHD]}
        """);
    Cli r = Cli.run("test", f);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(f + ": cases[0].expect.reasons[0]: unknown reason code 'GRANT_MATCHD' (did you mean GRANT_MATCHED?)");
  }

  @Test
  void anUnknownStepIsReportedWithASuggestion() throws IOException {
    String f = suite("""
        cases:
          - name: x
            steps:
              - revoke_grnt: shopping
        """);
    Cli r = Cli.run("test", f);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(f + ": cases[0].steps[0]: must be a step");
  }

  @Test
  void aMissingSuiteFileExitsTwo() {
    Cli r = Cli.run("test", dir.resolve("missing.yaml").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("missing.yaml: no such file");
  }

  @Test
  void anInvalidSuitePolicyIsAMalformedSuite() throws IOException {
    Path p = dir.resolve("s.yaml");
    Files.writeString(p, """
        clock: 2026-03-02T10:00:00Z
        policy:
          tools: [{name: t, operations: {go: flying}}]
        cases:
          - {name: x, steps: [{advance_clock: PT1M}]}
        """);
    Cli r = Cli.run("test", p.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("remit test: malformed suite: " + p + ": policy.tools[0].operations.go: "
        + "unknown risk class 'flying' (one of: read, write, admin, money-movement, production-change, "
        + "external-communication)" + System.lineSeparator());
  }

  @Test
  void approvalPlaceholdersResolveToTheLastOrNamedApproval() throws IOException {
    Cli r = Cli.run("test", suite("""
        cases:
          - name: approved
            steps:
              - approve: {approver: erin, role: purchasing, as: first}
            request:
              subject: shop-bot.buyer
              tool: orders
              operation: place
              resource: shop/orders/1
              args: {total: 300, item: x}
              context: {approval: $first}
            expect: {outcome: allow, reasons: [GRANT_MATCHED, APPROVAL_ACCEPTED]}
          - name: unknown placeholder
            request: {subject: shop-bot, tool: catalog, operation: search, resource: shop/catalog/a, context: {approval: $nope}}
            expect: {outcome: allow}
        """));
    assertThat(r.out()).contains("PASS approved", "FAIL unknown placeholder",
        "context.approval: no approval named '$nope' has been given yet");
  }

  @Test
  void obligationsAreComparedAsAnExactSetOfTypes() throws IOException {
    Cli r = Cli.run("test", suite("""
        cases:
          - name: approval obligation
            request: {subject: shop-bot.buyer, tool: orders, operation: place, resource: shop/orders/1, args: {total: 300, item: x}}
            expect: {outcome: require_approval, obligations: [approval]}
          - name: no obligations expected
            request: {subject: shop-bot.buyer, tool: orders, operation: place, resource: shop/orders/1, args: {total: 300, item: x}}
            expect: {outcome: require_approval, obligations: []}
        """));
    assertThat(r.out()).contains("PASS approval obligation", "FAIL no obligations expected",
        "  expected: REQUIRE_APPROVAL obligations []",
        "  actual:   REQUIRE_APPROVAL [APPROVAL_REQUIRED] obligations [approval]");
  }

  @Test
  void aDirectoryRunsEveryYamlSuiteInIt() throws IOException {
    suite(ALLOWED);
    Cli r = Cli.run("test", dir.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.lastLine()).isEqualTo("1 passed, 0 failed");
  }
}
