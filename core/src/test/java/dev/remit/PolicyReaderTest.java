package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyReaderTest {
  /** A small valid policy; tests break one thing in it at a time. */
  static final String BASE = """
      agents:
        - id: bot
      principals:
        - id: alice
          kind: human
          entitlements:
            - {tools: [payments], operations: ["*"], resources: ["**"]}
      tools:
        - name: payments
          operations: {charge: money-movement, refund: money-movement}
      grants:
        - id: g1
          principal: alice
          holder: bot
          scopes: [{tools: [payments], operations: [charge], resources: ["**"]}]
          expires_at: 2030-01-01T00:00:00Z
      """;

  static final Path COMPLETE_YAML = Path.of("src/test/resources/policies/complete.yaml");
  static final Path COMPLETE_JSON = Path.of("src/test/resources/policies/complete.json");
  static final Path TRAVEL_EXAMPLE = Path.of("../examples/policies/travel.yaml");

  static List<Problem> problems(String doc) {
    return problems(doc, "p.yaml");
  }

  static List<Problem> problems(String doc, String name) {
    try {
      Policy.parse(doc, name);
    } catch (PolicyException e) {
      return e.problems();
    }
    throw new AssertionError("document was accepted:\n" + doc);
  }

  static Problem problem(String path, String message, String suggestion) {
    return new Problem("p.yaml", path, message, suggestion);
  }

  // --- valid documents

  @Test
  void theSamePolicyInYamlAndJsonLoadsToEqualParts() {
    Policy yaml = Policy.load(COMPLETE_YAML);
    Policy json = Policy.load(COMPLETE_JSON);

    assertThat(json.version()).isEqualTo(yaml.version()).isEqualTo("travel-2026-11");
    assertThat(json.maxDelegationDepth()).isEqualTo(yaml.maxDelegationDepth()).isEqualTo(3);
    assertThat(json.agents()).isEqualTo(yaml.agents()).hasSize(2);
    assertThat(json.principals()).isEqualTo(yaml.principals()).hasSize(3);
    assertThat(json.tools()).isEqualTo(yaml.tools()).hasSize(5);
    assertThat(json.rules()).isEqualTo(yaml.rules()).hasSize(5);
    assertThat(json.grants()).isEqualTo(yaml.grants()).hasSize(2);
    assertThat(yaml.source()).isEqualTo(COMPLETE_YAML.toString());
  }

  @Test
  void everyPartOfTheCompleteDocumentReachesTheModel() {
    Policy p = Policy.load(COMPLETE_YAML);

    assertThat(p.agent("travel-bot.booker"))
        .isEqualTo(new Agent("travel-bot.booker", null, "searches, reserves and pays for flights", null,
            AgentState.ACTIVE, "travel-bot", "tool-connector"));
    assertThat(p.principals().get(1)).isEqualTo(new Principal("bob@example.com", Principal.Kind.HUMAN,
        List.of(), Set.of("travel-approver")));
    assertThat(p.principals().get(2).kind()).isEqualTo(Principal.Kind.SERVICE);
    assertThat(p.tools().get(3)).isEqualTo(Tool.of("email", "send", RiskClass.EXTERNAL_COMMUNICATION)
        .withAttribute("destination", "external"));
    Rule large = p.rules().get(3);
    assertThat(large).isEqualTo(Rule.requireApproval("large-payments", "travel-approver")
        .description("payments above 200 need a travel approver").risk(RiskClass.MONEY_MOVEMENT)
        .when("args.amount > 200").bind("args.amount").bind("args.currency").build());
    assertThat(p.rules().get(4).outside()).isEqualTo(new TimeWindow(LocalTime.of(8, 0), LocalTime.of(19, 0),
        ZoneId.of("Europe/Paris"), Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY, DayOfWeek.FRIDAY)));
    assertThat(p.rules().get(1).onMissing()).isEqualTo(Rule.OnMissing.NOT_APPLICABLE);

    Grant sub = p.grants().get(1);
    assertThat(sub).isEqualTo(Grant.builder("trip-42.booking").parent("trip-42").holder("travel-bot.booker")
        .task("trip-42")
        .allow("flights", List.of("search", "reserve"), "trips/trip-42/flights/*")
        .allow("payments", List.of("charge"), "trips/trip-42/flights/*")
        .constraint("args.amount <= 500").constraint("args.currency in [EUR, USD]")
        .notBefore(Instant.parse("2026-11-23T08:00:00Z")).expiresAt(Instant.parse("2026-11-25T18:00:00Z"))
        .window(new TimeWindow(LocalTime.of(7, 0), LocalTime.of(21, 0), ZoneId.of("Europe/Paris"),
            Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)))
        .maxCalls(20)
        .credential(new CredentialSpec("payments-api", List.of("charge"), Duration.ofMinutes(5)))
        .build());
  }

  @Test
  void theTravelExampleLoadsAndDecides() {
    Policy p = Policy.load(TRAVEL_EXAMPLE);
    // Tuesday 24 November 2026, 10:00 in Paris
    Remit remit = Remit.builder().policy(p)
        .clock(Clock.fixed(Instant.parse("2026-11-24T09:00:00Z"), ZoneOffset.UTC)).build();

    Decision reserve = remit.authorize(Request.of("travel-bot.booker", "flights", "reserve")
        .resource("trips/trip-42/flights/AF1234").arg("amount", 180).arg("currency", "EUR").task("trip-42")
        .build());
    Decision deploy = remit.authorize(Request.of("travel-bot", "itinerary-service", "deploy")
        .resource("prod").build());
    Decision pay = remit.authorize(Request.of("travel-bot.booker", "payments", "charge")
        .resource("trips/trip-42/flights/AF1234").arg("amount", 450).arg("currency", "EUR").task("trip-42")
        .build());

    assertThat(reserve.outcome()).as(reserve.explain()).isEqualTo(Outcome.ALLOW);
    assertThat(reserve.policyVersion()).isEqualTo("travel-2026-11");
    assertThat(deploy.codes()).contains(ReasonCode.FORBIDDEN_BY_RULE);
    assertThat(pay.outcome()).as(pay.explain()).isEqualTo(Outcome.REQUIRE_APPROVAL);
  }

  @Test
  void theFormatReferenceShowsTheTravelExampleVerbatim() throws IOException {
    String example = Files.readString(TRAVEL_EXAMPLE);

    assertThat(Files.readString(Path.of("../docs/policy-format.md"))).contains("```yaml\n" + example + "```");
  }

  @Test
  void aYamlKeyWithAnEmptyValueCountsAsAbsentButAQuotedEmptyStringIsAValue() {
    Policy p = Policy.parse(BASE.replace("- id: bot\n", "- id: bot\n    owner:\n    purpose: \"\"\n"), "p.yaml");

    assertThat(p.agents().get(0).owner()).isNull();
    assertThat(p.agents().get(0).purpose()).isEqualTo("");
  }

  @Test
  void windowDaysMayBeFullNamesOrASingleDay() {
    Policy p = Policy.parse(BASE + "rules:\n  - id: r\n    effect: forbid\n"
        + "    during: {start: \"22:00\", end: \"06:00\", zone: UTC, days: Saturday}\n", "p.yaml");

    assertThat(p.rules().get(0).during().days()).containsExactly(DayOfWeek.SATURDAY);
  }

  @Test
  void aDocumentWithoutVersionIsVersionedByTheDigestOfItsBytes() {
    Policy a = Policy.parse(BASE, "a.yaml");
    Policy b = Policy.parse(BASE, "b.yaml");
    Policy c = Policy.parse(BASE + "# changed\n", "c.yaml");

    assertThat(a.version()).startsWith("sha256:").hasSize("sha256:".length() + 12).isEqualTo(b.version());
    assertThat(c.version()).isNotEqualTo(a.version());
  }

  @Test
  void scalarsAreReadAsWrittenWithoutYamlImplicitTyping() {
    Policy p = Policy.parse(BASE.replace("- id: bot", "- id: bot\n    owner: no\n    environment: 0x10")
        + "rules:\n  - id: r\n    effect: forbid\n    during: {start: 09:00, end: 17:00, zone: UTC}\n", "p.yaml");

    assertThat(p.agents().get(0).owner()).isEqualTo("no");
    assertThat(p.agents().get(0).environment()).isEqualTo("0x10");
    assertThat(p.rules().get(0).during().end()).isEqualTo(LocalTime.of(17, 0));
  }

  @Test
  void aScopeListMayBeASingleString() {
    Policy p = Policy.parse(BASE.replace("scopes: [{tools: [payments], operations: [charge], resources: [\"**\"]}]",
        "scopes: [{tools: payments, operations: charge, resources: \"**\"}]"), "p.yaml");

    assertThat(p.grants().get(0).scopes()).containsExactly(Scope.of("payments", List.of("charge"), "**"));
  }

  @Test
  void jsonIsRecognisedByItsFirstCharacterWhenTheNameSaysNothing(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("policy");
    Files.writeString(file, Files.readString(COMPLETE_JSON));

    assertThat(Policy.load(file).grants()).isEqualTo(Policy.load(COMPLETE_YAML).grants());
  }

  // --- syntax

  @Test
  void aYamlSyntaxErrorNamesLineAndColumn() {
    assertThat(problems("agents:\n  - id: bot\n   owner: x\n")).containsExactly(problem("",
        "YAML syntax error at line 3, column 4: expected <block end>, but found '<block mapping start>'"
            + " (while parsing a block collection)", null));
  }

  @Test
  void aJsonSyntaxErrorNamesLineAndColumn() {
    assertThat(problems("{\"agents\": [\n  {\"id\": \"bot\"} \"x\"]}", "p.json")).containsExactly(
        new Problem("p.json", "", "JSON syntax error at line 2, column 17: Unexpected character ('\"' (code 34)):"
            + " was expecting comma to separate Array entries", null));
  }

  @Test
  void duplicateKeysAreAnError() {
    assertThat(problems(BASE.replace("    holder: bot\n", "    holder: bot\n    holder: bot\n")))
        .containsExactly(problem("grants[0].holder", "duplicate key 'holder' at line 15, column 5",
            "each key may appear once in a map"));
  }

  @Test
  void yamlAnchorsAndAliasesAreRejected() {
    String laughs = "version: lol\nx: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "y: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nz: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";

    assertThat(problems(laughs)).first().isEqualTo(problem("x",
        "uses the YAML anchor '&a' at line 2, column 4",
        "anchors and aliases are not supported; write each value out in full"));
    assertThat(problems(BASE.replace("- id: bot", "- id: &b bot\n  - id: *b")))
        .first().isEqualTo(problem("agents[1].id", "uses the YAML alias '*b' at line 3, column 9",
            "anchors and aliases are not supported; write each value out in full"));
  }

  @Test
  void deepNestingIsRejectedBeforeItCanHurt() {
    String deep = "x: " + "[".repeat(5000) + "]".repeat(5000);

    List<Problem> found = problems(deep);

    assertThat(found).hasSize(1);
    assertThat(found.get(0).message()).isEqualTo("nests maps and lists more than 32 levels deep at line 1, column 35");
  }

  @Test
  void anOverlongKeyIsRejectedWithAPlainMessage() {
    List<Problem> found = problems("{\"k" + "x".repeat(2000) + "\": 1}", "p.json");

    assertThat(found).hasSize(1);
    assertThat(found.get(0).message()).isEqualTo(
        "JSON document exceeds a limit: Name length (2001) exceeds the maximum allowed (1024)");
  }

  @Test
  void documentsLargerThan16MiBAreRejected() {
    String big = "version: big\n#" + "x".repeat(16 * 1024 * 1024) + "\n";

    assertThat(problems(big)).containsExactly(problem("", "the document is larger than 16 MiB",
        "split the policy or remove what it does not need"));
  }

  @Test
  void aFileLargerThan16MiBIsRejectedBeforeItIsRead(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("big.yaml");
    Files.write(file, new byte[16 * 1024 * 1024 + 1]);

    assertThatThrownBy(() -> Policy.load(file)).isInstanceOfSatisfying(PolicyException.class, e ->
        assertThat(e.problems()).containsExactly(new Problem(file.toString(), "",
            "the file is larger than 16 MiB (16777217 bytes)", "split the policy or remove what it does not need")));
  }

  @Test
  void aMissingFileIsAProblemNotAnIoException(@TempDir Path dir) {
    Path file = dir.resolve("absent.yaml");

    assertThatThrownBy(() -> Policy.load(file)).isInstanceOfSatisfying(PolicyException.class, e ->
        assertThat(e.problems()).containsExactly(new Problem(file.toString(), "", "no such file", null)));
  }

  @Test
  void emptyAndMultiDocumentFilesAreRejected() {
    assertThat(problems("")).containsExactly(problem("", "the document is empty",
        "a policy is a YAML map with keys such as agents, tools and grants"));
    assertThat(problems(BASE + "---\n" + BASE)).containsExactly(problem("",
        "the file holds more than one YAML document", "keep one policy per file"));
    assertThat(problems("- agents\n")).containsExactly(problem("",
        "expected a map at the top of the document, got a list",
        "a policy is a map with keys such as agents, tools and grants"));
  }

  // --- structure

  @Test
  void aValueOfTheWrongTypeIsReportedAtItsPath() {
    assertThat(problems(BASE.replace("scopes: [{tools: [payments]", "scopes: [{tools: {payments: x}")))
        .containsExactly(problem("grants[0].scopes[0].tools", "expected a list, got a map", null));
    assertThat(problems(BASE.replace("agents:\n  - id: bot", "agents: bot")))
        .startsWith(problem("agents", "expected a list, got a string", null));
    assertThat(problems(BASE.replace("holder: bot", "holder: [bot]")))
        .containsExactly(problem("grants[0].holder", "expected a string, got a list", null));
  }

  @Test
  void aMissingRequiredKeyIsReportedOnItsParent() {
    assertThat(problems(BASE.replace("    holder: bot\n", "")))
        .containsExactly(problem("grants[0]", "missing required key 'holder'", null));
    assertThat(problems(BASE.replace("    principal: alice\n", ""))).containsExactly(problem("grants[0]",
        "missing required key 'principal'",
        "a root grant names the principal it acts for; a sub-grant names its parent grant instead"));
  }

  @Test
  void anUnknownKeyIsReportedWithTheClosestKnownKey() {
    assertThat(problems(BASE.replace("expires_at", "expires_on"))).containsExactly(
        problem("grants[0].expires_on", "unknown key 'expires_on'", "did you mean 'expires_at'?"),
        problem("grants[0]", "missing required key 'expires_at'", null));
    assertThat(problems(BASE + "comment: hello\n")).containsExactly(problem("comment",
        "unknown key 'comment'", "known keys here: version, settings, agents, principals, tools, rules, grants"));
  }

  @Test
  void unknownEnumValuesAreReportedWithSuggestions() {
    assertThat(problems(BASE.replace("charge: money-movement", "charge: money-movment"))).containsExactly(
        problem("tools[0].operations.charge", "unknown risk class 'money-movment'",
            "did you mean 'money-movement'?"));
    assertThat(problems(BASE.replace("charge: money-movement", "charge: dangerous"))).containsExactly(
        problem("tools[0].operations.charge", "unknown risk class 'dangerous'",
            "one of: read, write, admin, money-movement, production-change, external-communication"));
    assertThat(problems(BASE.replace("kind: human", "kind: humen"))).containsExactly(
        problem("principals[0].kind", "unknown principal kind 'humen'", "did you mean 'human'?"));
    assertThat(problems(BASE.replace("- id: bot", "- id: bot\n    state: suspend"))).containsExactly(
        problem("agents[0].state", "unknown agent state 'suspend'", "did you mean 'suspended'?"));
    assertThat(problems(BASE + "rules:\n  - id: r\n    effect: require-approval\n    approver_role: x\n"))
        .containsExactly(problem("rules[0].effect", "unknown rule effect 'require-approval'",
            "did you mean 'require_approval'?"));
    assertThat(problems(BASE + "rules:\n  - id: r\n    effect: forbid\n    on_missing: skip\n"))
        .containsExactly(problem("rules[0].on_missing", "unknown on_missing value 'skip'",
            "one of: deny, not_applicable"));
    assertThat(problems(BASE.replace("expires_at: 2030-01-01T00:00:00Z",
        "expires_at: 2030-01-01T00:00:00Z\n    window: {start: \"09:00\", end: \"17:00\", zone: UTC, days: [mon, tues, funday]}")))
        .containsExactly(
            problem("grants[0].window.days[1]", "unknown day 'tues'", "did you mean 'tue'?"),
            problem("grants[0].window.days[2]", "unknown day 'funday'", "one of: mon, tue, wed, thu, fri, sat, sun"));
  }

  @Test
  void badInstantsDurationsTimesAndZonesAreReported() {
    String doc = BASE.replace("expires_at: 2030-01-01T00:00:00Z", """
        expires_at: 2030-02-30T00:00:00Z
            not_before: tomorrow
            window: {start: "9am", end: "17:00", zone: Europe/Pari}
            credential: {audience: pay, ttl: 5m}""");

    assertThat(problems(doc)).containsExactly(
        problem("grants[0].not_before", "'tomorrow' is not an ISO-8601 instant", "write e.g. 2026-11-23T18:00:00Z"),
        problem("grants[0].expires_at", "'2030-02-30T00:00:00Z' is not an ISO-8601 instant",
            "write e.g. 2026-11-23T18:00:00Z"),
        problem("grants[0].window.start", "'9am' is not a time of day", "write hours and minutes, e.g. 09:00 or 17:30"),
        problem("grants[0].window.zone", "unknown time zone 'Europe/Pari'", "did you mean 'Europe/Paris'?"),
        problem("grants[0].credential.ttl", "'5m' is not an ISO-8601 duration",
            "write e.g. PT5M for five minutes or PT1H for an hour"));
  }

  @Test
  void badNumbersAreReported() {
    assertThat(problems(BASE.replace("    holder: bot\n", "    holder: bot\n    max_calls: 0\n")))
        .containsExactly(problem("grants[0].max_calls", "must be a positive number of calls, was 0",
            "leave max_calls out for no limit"));
    assertThat(problems(BASE.replace("    holder: bot\n", "    holder: bot\n    max_calls: many\n")))
        .containsExactly(problem("grants[0].max_calls", "expected a whole number, got 'many'", null));
    assertThat(problems(BASE + "settings: {max_delegation_depth: 40}\n"))
        .containsExactly(problem("settings.max_delegation_depth", "must be between 1 and 32, was 40", null));
  }

  @Test
  void lookalikeAndTraversalNamesAreRejectedAtTheirPath() {
    assertThat(problems(BASE.replace("- id: bot", "- id: b\u043et").replace("holder: bot", "holder: b\u043et")))
        .startsWith(problem("agents[0].id",
            "agent id 'b\\u043Et' contains a non-ASCII character (U+043E) at index 1",
            "names are printable ASCII; lookalike and invisible characters are rejected, never normalised"));
    assertThat(problems(BASE.replace("resources: [\"**\"]}]", "resources: [\"docs/../secrets/*\"]}]")))
        .containsExactly(problem("grants[0].scopes[0].resources[0]",
            "resource pattern 'docs/../secrets/*' contains a '..' segment", null));
  }

  @Test
  void aConstructorRefusalIsReportedAtTheElement() {
    assertThat(problems(BASE.replace("- id: bot", "- id: bot\n    part_of: bot")))
        .containsExactly(problem("agents[0]", "agent bot cannot be a component of itself", null));
  }

  @Test
  void aBadConstraintIsReportedAtItsEntry() {
    assertThat(problems(BASE.replace("    holder: bot\n",
        "    holder: bot\n    constraints: [\"args.amount <= 500\", \"amount < 3\"]\n")))
        .containsExactly(problem("grants[0].constraints[1]",
            "constraint 'amount < 3': attribute 'amount' must start with one of [agent, args, context, resource, tool]",
            "write 'attribute operator value', e.g. 'args.amount <= 500'"));
  }

  @Test
  void aScopeMayCarryItsOwnConstraints() {
    Policy p = Policy.parse(BASE.replace("scopes: [{tools: [payments], operations: [charge], resources: [\"**\"]}]",
        "scopes:\n      - {tools: [payments], operations: [charge], resources: [\"**\"],"
            + " constraints: [\"args.amount <= 500\", \"args.currency in [EUR, USD]\"]}\n"
            + "      - {tools: [payments], operations: [refund], resources: [\"**\"], constraints: []}"), "p.yaml");

    assertThat(p.grants().get(0).scopes()).containsExactly(
        Scope.of("payments", List.of("charge"), "**").withConstraints("args.amount <= 500", "args.currency in [EUR, USD]"),
        Scope.of("payments", List.of("refund"), "**"));
    Policy json = Policy.parse("""
        {"agents": [{"id": "bot"}],
         "principals": [{"id": "alice", "kind": "human", "entitlements": [
           {"tools": ["payments"], "operations": ["*"], "resources": ["**"], "constraints": ["args.amount < 10000"]}]}],
         "tools": [{"name": "payments", "operations": {"charge": "money-movement"}}],
         "grants": [{"id": "g1", "principal": "alice", "holder": "bot", "expires_at": "2030-01-01T00:00:00Z",
           "scopes": [{"tools": ["payments"], "operations": ["charge"], "resources": ["**"],
                       "constraints": ["args.amount <= 500"]}]}]}
        """, "p.json");
    assertThat(json.principals().get(0).entitlements().get(0).constraints())
        .containsExactly(Constraint.parse("args.amount < 10000"));
    assertThat(json.grants().get(0).scopes().get(0).constraints()).containsExactly(Constraint.parse("args.amount <= 500"));
  }

  @Test
  void aBadScopeConstraintIsReportedAtItsEntry() {
    assertThat(problems(BASE.replace("resources: [\"**\"]}]",
        "resources: [\"**\"], constraints: [\"args.amount <= 500\", \"amount < 3\"]}]")))
        .containsExactly(problem("grants[0].scopes[0].constraints[1]",
            "constraint 'amount < 3': attribute 'amount' must start with one of [agent, args, context, resource, tool]",
            "write 'attribute operator value', e.g. 'args.amount <= 500'"));
    assertThat(problems(BASE.replace("operations: [\"*\"], resources: [\"**\"]}",
        "operations: [\"*\"], resources: [\"**\"], constraints: [\"args.amount <=\"]}")))
        .extracting(Problem::path).containsExactly("principals[0].entitlements[0].constraints[0]");
    assertThat(problems(BASE.replace("resources: [\"**\"]}]", "resources: [\"**\"], constraints: \"args.amount <= 5\"}]")))
        .containsExactly(problem("grants[0].scopes[0].constraints", "expected a list, got a string", null));
    assertThat(problems(BASE.replace("resources: [\"**\"]}]", "resources: [\"**\"], constraints: [[args.amount]]}]")))
        .extracting(Problem::path).containsExactly("grants[0].scopes[0].constraints[0]");
  }

  @Test
  void aGrantThatDropsAScopeConstraintItMustKeepIsReportedAtItsPath() {
    String limited = BASE.replace("operations: [\"*\"], resources: [\"**\"]}",
        "operations: [\"*\"], resources: [\"**\"], constraints: [\"args.amount <= 500\"]}");
    assertThat(problems(limited)).containsExactly(problem("grants[0].scopes",
        "scope 0 {tools [payments], operations [charge], resources [**]} exceeds the entitlements of principal "
            + "'alice': it drops or loosens constraint 'args.amount <= 500' of the scope {tools [payments], "
            + "operations [*], resources [**], constraints [args.amount <= 500]} it falls in "
            + "(repeat it or state a stricter one)", null));
    String child = BASE.replace("resources: [\"**\"]}]", "resources: [\"**\"], constraints: [\"args.amount <= 500\"]}]")
        + "  - id: g2\n    parent: g1\n    holder: bot\n    expires_at: 2030-01-01T00:00:00Z\n"
        + "    scopes: [{tools: [payments], operations: [charge], resources: [\"a/**\"], constraints: [\"args.amount <= 900\"]}]\n";
    assertThat(problems(child)).extracting(Problem::path, Problem::message).containsExactly(
        org.assertj.core.groups.Tuple.tuple("grants[1]", "sub-grant 'g2' exceeds its parent: scope 0 {tools [payments], "
            + "operations [charge], resources [a/**], constraints [args.amount <= 900]} exceeds parent grant 'g1': it "
            + "drops or loosens constraint 'args.amount <= 500' of the scope {tools [payments], operations [charge], "
            + "resources [**], constraints [args.amount <= 500]} it falls in (repeat it or state a stricter one)"));
    Policy.parse(child.replace("args.amount <= 900", "args.amount <= 90"), "p.yaml");
  }

  @Test
  void duplicateKeysAreAnErrorInJsonToo() {
    assertThat(problems("{\"version\": \"a\", \"version\": \"b\"}", "p.json")).containsExactly(
        new Problem("p.json", "version", "duplicate key 'version' at line 1, column 18",
            "each key may appear once in a map"));
  }

  @Test
  void ruleApproverRoleIsRequiredExactlyForRequireApproval() {
    assertThat(problems(BASE + "rules:\n  - id: r\n    effect: require_approval\n")).containsExactly(
        problem("rules[0]", "missing required key 'approver_role'",
            "a require_approval rule names the role that may approve"));
    assertThat(problems(BASE + "rules:\n  - id: r\n    effect: forbid\n    approver_role: boss\n")).containsExactly(
        problem("rules[0].approver_role", "only require_approval rules take an approver_role",
            "remove it or set effect: require_approval"));
  }

  // --- cross-references

  @Test
  void aTypoedToolInAGrantIsReportedAtTheEntryWithTheToolItMeant() {
    assertThat(problems(BASE.replace("scopes: [{tools: [payments]", "scopes: [{tools: [paymnts]")))
        .containsExactly(problem("grants[0].scopes[0].tools[0]", "tool 'paymnts' is not in the catalog",
            "did you mean 'payments'?"));
    assertThat(problems(BASE.replace("operations: [charge]", "operations: [chrage]")))
        .containsExactly(problem("grants[0].scopes[0].operations[0]", "operation 'chrage' is not an operation of payments",
            "did you mean 'charge'?"));
  }

  @Test
  void aTypoedToolInARuleOrEntitlementIsReportedAtTheEntry() {
    assertThat(problems(BASE + "rules:\n  - id: r\n    effect: forbid\n    tools: [payment]\n"))
        .containsExactly(problem("rules[0].tools[0]", "tool 'payment' is not in the catalog",
            "did you mean 'payments'?"));
    assertThat(problems(BASE.replace("- {tools: [payments], operations: [\"*\"]",
        "- {tools: [payments, \"crm/*\"], operations: [\"*\"]")))
        .containsExactly(problem("principals[0].entitlements[0].tools[1]",
            "tool pattern 'crm/*' matches no tool in the catalog", null));
  }

  @Test
  void aVersionMustBePlainText() {
    assertThat(problems("version: \"v1\\u2028\"\n" + BASE)).containsExactly(problem("version",
        "must be 1 to 256 printable ASCII characters, not blank", null));
  }

  @Test
  void crossReferenceProblemsNameTheSourceFile() {
    assertThat(problems(BASE.replace("holder: bot", "holder: boot"), "policies/p.yaml")).containsExactly(
        new Problem("policies/p.yaml", "grants[0].holder", "agent 'boot' is not defined", "did you mean 'bot'?"));
  }

  @Test
  void aDocumentWithSeveralProblemsReportsEveryOne() {
    String doc = BASE
        .replace("kind: human", "kind: robot")
        .replace("charge: money-movement", "charge: money")
        .replace("expires_at", "expires")
        .replace("- id: bot", "- id: bot\n    colour: blue");

    assertThat(problems(doc)).containsExactly(
        problem("agents[0].colour", "unknown key 'colour'",
            "known keys here: id, owner, purpose, environment, state, part_of, role"),
        problem("principals[0].kind", "unknown principal kind 'robot'", "one of: human, service"),
        problem("tools[0].operations.charge", "unknown risk class 'money'",
            "one of: read, write, admin, money-movement, production-change, external-communication"),
        problem("grants[0].expires", "unknown key 'expires'", "did you mean 'expires_at'?"),
        problem("grants[0]", "missing required key 'expires_at'", null));
  }

  // --- the policy in force

  @Test
  void aBadDocumentLeavesThePolicyInForceDeciding() {
    Remit remit = Remit.builder().policy(Policy.parse(BASE, "good.yaml"))
        .clock(Clock.fixed(Instant.parse("2029-06-01T12:00:00Z"), ZoneOffset.UTC)).build();
    Request charge = Request.of("bot", "payments", "charge").resource("invoice-1").build();
    assertThat(remit.authorize(charge).outcome()).isEqualTo(Outcome.ALLOW);
    String versionBefore = remit.policy().version();

    String bad = BASE.replace("scopes: [{tools: [payments], operations: [charge]",
        "scopes: [{tools: [payments], operations: [refund]").replace("expires_at", "expires_on");
    assertThatThrownBy(() -> remit.swapPolicy(Policy.parse(bad, "bad.yaml")))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("bad.yaml: grants[0].expires_on: unknown key 'expires_on'");

    Decision after = remit.authorize(charge);
    assertThat(after.outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(after.policyVersion()).isEqualTo(versionBefore);
  }

  @Test
  void aBadFileLeavesThePolicyInForceDeciding(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, BASE, StandardCharsets.UTF_8);
    Remit remit = Remit.builder().policy(Policy.load(file))
        .clock(Clock.fixed(Instant.parse("2029-06-01T12:00:00Z"), ZoneOffset.UTC)).build();
    Request charge = Request.of("bot", "payments", "charge").resource("invoice-1").build();
    assertThat(remit.authorize(charge).outcome()).isEqualTo(Outcome.ALLOW);

    Files.writeString(file, BASE.replace("holder: bot", "holder: [bot"), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> remit.swapPolicy(Policy.load(file))).isInstanceOf(PolicyException.class);

    assertThat(remit.authorize(charge).outcome()).isEqualTo(Outcome.ALLOW);
  }
}
