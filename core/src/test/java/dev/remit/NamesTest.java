package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names are printable ASCII and rejected, never normalised: lookalike, invisible and control
 * characters, dot segments, empty segments, backslashes and percent-encoded separators are
 * INVALID_NAME, so no spelling of a name reaches past a pattern.
 */
class NamesTest {
  private Remit remit;

  @BeforeEach
  void setUp() {
    remit = remit(base().rule(Rule.forbid("no-prod").resource("prod/**").description("production is off limits")
        .build()).build(), clock());
    Fixtures.issue(remit, rootGrant("g", "worker").allow("db", ALL_OPS, "**").allow("github/*", ALL_OPS, "**")
        .allow("s3", ALL_OPS, "s3://bucket/reports/**"));
  }

  private Decision query(String resource) {
    return remit.authorize(call("worker", "db", "query", resource).build());
  }

  @ParameterizedTest(name = "resource \"{0}\"")
  @CsvSource(delimiter = '|', value = {
      "prod/../staging/db   | resource id contains a '..' segment",
      "staging/../prod/db   | resource id contains a '..' segment",
      "prod/./db            | resource id contains a '.' segment",
      "./prod/db            | resource id contains a '.' segment",
      "prod//db             | resource id contains an empty segment '//'",
      "/prod/db             | resource id starts with '/'",
      "prod/db/             | resource id ends with '/'",
      "prod\\db             | resource id contains the character '\\' (U+005C) at index 4",
      "prod%2fdb            | resource id contains the percent-encoded character %2f (encoded dots, slashes, backslashes and percent signs are rejected)",
      "prod%2Fdb            | resource id contains the percent-encoded character %2f",
      "%2e%2e/prod/db       | resource id contains the percent-encoded character %2e",
      "staging/%2E%2E/prod  | resource id contains the percent-encoded character %2e",
      "prod%5cdb            | resource id contains the percent-encoded character %5c",
      "prod%252fdb          | resource id contains the percent-encoded character %25",
      "prod/db%00           | resource id contains the percent-encoded character %00",
  })
  void pathTricksInAResourceAreInvalidNames(String resource, String message) {
    Decision d = query(resource);
    assertThat(d.outcome()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).containsExactly(ReasonCode.INVALID_NAME);
    assertThat(d.reasons().get(0).message()).startsWith(message);
  }

  @Test
  void invisibleLookalikeAndControlCharactersAreInvalidNames() {
    assertInvalid(query("prod/d\u200Bb"), "resource id contains an invisible formatting character (U+200B) at index 6");
    assertInvalid(query("prod/\u202Ebd"), "resource id contains an invisible formatting character (U+202E) at index 5");
    assertInvalid(query("pr\u043Ed/db"), "resource id contains a non-ASCII character (U+043E) at index 2");
    assertInvalid(query("prod/db\u0000"), "resource id contains a control character (U+0000) at index 7");
    assertInvalid(query("prod/d b"), "resource id contains a space (U+0020) at index 6");
    assertInvalid(query("prod/db\u007F"), "resource id contains a control character (U+007F) at index 7");
    assertInvalid(query("prod/\uFF44b"), "resource id contains a non-ASCII character (U+FF44) at index 5");
  }

  @Test
  void aLookalikeToolNameIsInvalidNotUnknown() {
    // Cyrillic 'а' (U+0430) in "pаyments"
    assertInvalid(remit.authorize(call("worker", "p\u0430yments", "read", "acct/1").build()),
        "tool name contains a non-ASCII character (U+0430) at index 1");
    assertInvalid(remit.authorize(call("worker", "github/iss\u200Bues", "read", "r/1").build()),
        "tool name contains an invisible formatting character (U+200B) at index 10");
    assertInvalid(remit.authorize(call("worker", "github/../db", "query", "r/1").build()),
        "tool name contains a '..' segment");
    assertInvalid(remit.authorize(call("worker", "github\\issues", "read", "r/1").build()),
        "tool name contains the character '\\' (U+005C) at index 6");
    assertInvalid(remit.authorize(call("worker", "github/issues/", "read", "r/1").build()),
        "tool name ends with '/'");
  }

  @Test
  void aLookalikeSubjectOrOperationIsInvalid() {
    assertInvalid(remit.authorize(call("w\u043Erker", "db", "query", "x").build()),
        "subject contains a non-ASCII character (U+043E) at index 1");
    assertInvalid(remit.authorize(call("worker", "db", "qu\u0435ry", "x").build()),
        "operation contains a non-ASCII character (U+0435) at index 2");
    assertInvalid(remit.authorize(call("worker", "db", "query/x", "x").build()),
        "operation contains the character '/' (U+002F) at index 5");
  }

  @ParameterizedTest(name = "\"{0}\" cannot evade the prod/** forbid")
  @ValueSource(strings = {"prod/db", "prod/db/users", "prod/../prod/db", "./prod/db", "prod//db", "prod/db/",
      "prod%2fdb", "pr\u043Ed/db", "pro\u200Bd/db", "\u202Eprod/db", "prod\\db", "prod/./db",
      "staging/../prod/db", "prod/db\u0000"})
  void noSpellingOfAProductionResourceIsAllowed(String resource) {
    Decision d = query(resource);
    assertThat(d.allowed()).as(d.explain()).isFalse();
    assertThat(d.codes()).containsAnyOf(ReasonCode.INVALID_NAME, ReasonCode.FORBIDDEN_BY_RULE);
  }

  @Test
  void theForbidNamesItsRuleAndWinsOverAGrantForEverything() {
    Decision d = query("prod/db");
    assertThat(d.codes()).containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
    assertThat(d.reasons().get(0).message()).isEqualTo("rule 'no-prod' forbids this call: production is off limits");
  }

  @Test
  void aPercentEncodedLetterIsASecondSpellingAndIsRejected() {
    // %70 is 'p': a tool that percent-decodes would see prod/db and slip past the prod/** forbid
    Decision d = query("%70rod/db");
    assertThat(d.codes()).containsExactly(ReasonCode.INVALID_NAME);
    assertThat(d.reasons().get(0).message()).isEqualTo("resource id contains %70, a percent-encoded 'p'"
        + " (characters that need no encoding must not be encoded: it would be a second spelling of the same name)");
    assertThat(query("pr%4Fd/db").codes()).containsExactly(ReasonCode.INVALID_NAME);
    assertThat(query("prod%2ddb").codes()).containsExactly(ReasonCode.INVALID_NAME);
  }

  @Test
  void percentEncodingOfCharactersThatNeedItIsKeptLiterally() {
    // %20 (space) and %3A (':') cannot spell any other valid name, so they stay as written
    assertThat(query("reports/q3%20draft").codes()).containsExactly(ReasonCode.GRANT_MATCHED);
    assertThat(query("prod%3Adb").codes()).containsExactly(ReasonCode.GRANT_MATCHED);
  }

  @Test
  void caseIsSignificantSoProdWithACapitalIsAnotherResource() {
    // Documented: names are case-sensitive and never case-folded. "Prod/db" is not "prod/db", so the
    // prod/** forbid does not apply to it; a host whose tool folds case must name both spellings.
    Decision d = query("Prod/db");
    assertThat(d.allowed()).isTrue();
    assertThat(remit.authorize(call("worker", "DB", "query", "x").build()).codes())
        .containsExactly(ReasonCode.UNKNOWN_TOOL);
  }

  @Test
  void aGlobstarDoesNotCoverItsOwnPrefix() {
    // documented: prod/** matches one or more segments below prod, not "prod" itself
    assertThat(query("prod").allowed()).isTrue();
    Remit r = remit(base().rule(Rule.forbid("no-prod").resource("prod").resource("prod/**").build()).build(), clock());
    Fixtures.issue(r, rootGrant("g", "worker").allow("db", ALL_OPS, "**"));
    assertThat(r.authorize(call("worker", "db", "query", "prod").build()).codes())
        .containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
  }

  @Test
  void schemePrefixedResourcesMatchBySegment() {
    assertThat(remit.authorize(call("worker", "s3", "get", "s3://bucket/reports/2026/q1.csv").build()).allowed())
        .isTrue();
    assertThat(remit.authorize(call("worker", "s3", "get", "s3://bucket/secrets/key").build()).codes())
        .containsExactly(ReasonCode.NO_MATCHING_GRANT);
    assertThat(remit.authorize(call("worker", "s3", "get", "s3://bucket/reports").build()).codes())
        .containsExactly(ReasonCode.NO_MATCHING_GRANT);
    assertInvalid(remit.authorize(call("worker", "s3", "get", "s3://bucket/reports/../secrets/key").build()),
        "resource id contains a '..' segment");
    assertInvalid(remit.authorize(call("worker", "s3", "get", "s3:///bucket/reports/x").build()),
        "resource id contains an empty segment '//'");
    assertThat(remit.authorize(call("worker", "s3", "get", "s3://Bucket/reports/x").build()).codes())
        .containsExactly(ReasonCode.NO_MATCHING_GRANT);
  }

  @Test
  void aToolStarDoesNotCrossASlash() {
    assertThat(remit.authorize(call("worker", "github/issues", "read", "r/1").build()).allowed()).isTrue();
    Remit r = remit(base().tool(Tool.of("github/issues/comments", "read", RiskClass.READ)).build(), clock());
    Fixtures.issue(r, rootGrant("g", "worker").allow("github/*", ALL_OPS, "**"));
    assertThat(r.authorize(call("worker", "github/issues/comments", "read", "r/1").build()).codes())
        .containsExactly(ReasonCode.NO_MATCHING_GRANT);
  }

  @Test
  void invalidPatternsAndIdsAreRefusedWhenThePolicyIsBuilt() {
    assertThatThrownBy(() -> Scope.all("pаyments", "**")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tools pattern 'p\\u0430yments' contains a non-ASCII character (U+0430) at index 1");
    assertThatThrownBy(() -> Scope.all("db", "prod/../x")).hasMessage("resources pattern 'prod/../x' contains a '..' segment");
    assertThatThrownBy(() -> Scope.all("db", "prod/a**")).hasMessage(
        "resources pattern 'prod/a**' uses '**' inside a segment; '**' must stand alone between slashes");
    assertThatThrownBy(() -> Agent.of("bot\u200B", "a", "p", "e")).hasMessage(
        "agent id 'bot\\u200B' contains an invisible formatting character (U+200B) at index 3");
    assertThatThrownBy(() -> Tool.of("mail/", "send", RiskClass.READ)).hasMessage("tool name 'mail/' ends with '/'");
    assertThatThrownBy(() -> Rule.forbid("r").resource("prod/%2e%2e").build())
        .hasMessageStartingWith("rule resources pattern 'prod/%2e%2e' contains the percent-encoded character %2e");
    assertThatThrownBy(() -> new Scope(List.of("db"), List.of("qu ery"), List.of("**")))
        .hasMessage("operation 'qu ery' contains a space (U+0020) at index 2");
  }

  private static void assertInvalid(Decision d, String message) {
    assertThat(d.outcome()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).containsExactly(ReasonCode.INVALID_NAME);
    assertThat(d.reasons().get(0).message()).isEqualTo(message);
  }
}
