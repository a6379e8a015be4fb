package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link Grants}: the grant part of the policy format, read and written outside a document. */
class GrantsTest {
  static final Policy POLICY = Policy.parse(PolicyReaderTest.BASE, "p.yaml");
  static final ObjectMapper JSON = new ObjectMapper();

  /** A grant with every field set, scope constraints of every literal kind included. */
  static Grant everything() {
    return Grant.builder("g-1").principal("alice").holder("bot").task("trip-42")
        .scope(Scope.of("payments", List.of("charge", "refund"), "trips/42/**")
            .withConstraints("args.amount <= 500", "args.currency in [EUR, USD]"))
        .scope(new Scope(List.of("pay*", "paym*"), List.of("*"), List.of("a/**", "b/*"),
            List.of(Constraint.parse("args.note matches \"draft-*/**\""), Constraint.parse("args.urgent == true"))))
        .constraint("args.amount > 0.25").constraint("context.intent != \"it's \\\"quoted\\\"\"")
        .notBefore(Instant.parse("2026-11-23T08:00:00.123456789Z"))
        .expiresAt(Instant.parse("2026-11-30T18:00:00Z"))
        .window(new TimeWindow(LocalTime.of(22, 0), LocalTime.of(6, 30, 15), ZoneId.of("Europe/Paris"),
            EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY, DayOfWeek.SUNDAY)))
        .maxCalls(7)
        .credential(new CredentialSpec("payments-api", List.of("charge", "refund"), Duration.ofMinutes(5)))
        .build();
  }

  static List<Problem> problems(Supplier<?> read) {
    try {
      read.get();
    } catch (PolicyException e) {
      return e.problems();
    }
    throw new AssertionError("read without problems");
  }

  static Problem at(String path, String message, String suggestion) {
    return new Problem("s.yaml", path, message, suggestion);
  }

  @Nested
  class RoundTrip {
    @Test
    void everyFieldOfAGrantSurvivesTextAndValues() throws Exception {
      Grant g = everything();
      String json = Grants.toJson(g);

      assertThat(Grants.parseGrant(json, "g.json", "", POLICY).build()).isEqualTo(g);
      assertThat(Grants.parseGrant(json, "g.yaml", "", null).build()).isEqualTo(g);
      assertThat(Grants.readGrant(JSON.readValue(json, Object.class), "g", "", null).build()).isEqualTo(g);
      assertThat(Grants.toJson(Grants.parseGrant(json, "g.json", "", null).build())).isEqualTo(json);
    }

    @Test
    void theTextIsTheDocumentFormWithKeysInFormatOrder() {
      assertThat(Grants.toJson(everything())).isEqualTo("{\"id\":\"g-1\",\"principal\":\"alice\",\"holder\":\"bot\","
          + "\"task\":\"trip-42\",\"scopes\":[{\"tools\":[\"payments\"],\"operations\":[\"charge\",\"refund\"],"
          + "\"resources\":[\"trips/42/**\"],\"constraints\":[\"args.amount <= 500\",\"args.currency in [EUR, USD]\"]},"
          + "{\"tools\":[\"pay*\",\"paym*\"],\"operations\":[\"*\"],\"resources\":[\"a/**\",\"b/*\"],"
          + "\"constraints\":[\"args.note matches draft-*/**\",\"args.urgent == true\"]}],"
          + "\"constraints\":[\"args.amount > 0.25\",\"context.intent != \\\"it's \\\\\\\"quoted\\\\\\\"\\\"\"],"
          + "\"not_before\":\"2026-11-23T08:00:00.123456789Z\",\"expires_at\":\"2026-11-30T18:00:00Z\","
          + "\"window\":{\"start\":\"22:00\",\"end\":\"06:30:15\",\"zone\":\"Europe/Paris\",\"days\":[\"mon\",\"fri\",\"sun\"]},"
          + "\"max_calls\":7,\"credential\":{\"audience\":\"payments-api\",\"scopes\":[\"charge\",\"refund\"],\"ttl\":\"PT5M\"}}");
    }

    @Test
    void aMinimalSubGrantLeavesOutWhatItDoesNotHave() {
      Grant sub = Grant.builder("g-2").parent("g-1").holder("bot.helper").allow("payments", List.of("charge"), "**")
          .expiresAt(Instant.parse("2026-11-24T00:00:00Z"))
          .window(new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneId.of("UTC"), Set.of()))
          .credential(new CredentialSpec("api", List.of(), Duration.ofSeconds(30))).build();
      String json = Grants.toJson(sub);

      assertThat(json).isEqualTo("{\"id\":\"g-2\",\"parent\":\"g-1\",\"holder\":\"bot.helper\",\"scopes\":[{\"tools\":"
          + "[\"payments\"],\"operations\":[\"charge\"],\"resources\":[\"**\"]}],\"expires_at\":\"2026-11-24T00:00:00Z\","
          + "\"window\":{\"start\":\"09:00\",\"end\":\"17:00\",\"zone\":\"UTC\"},"
          + "\"credential\":{\"audience\":\"api\",\"ttl\":\"PT30S\"}}");
      assertThat(Grants.parseGrant(json, "g.json", "", POLICY).build()).isEqualTo(sub);
    }

    @Test
    void everyGrantOfTheCompleteDocumentReadsBackEqual() {
      Policy complete = Policy.load(PolicyReaderTest.COMPLETE_YAML);
      for (Grant g : complete.grants()) {
        assertThat(Grants.parseGrant(Grants.toJson(g), "g.json", "", complete).build()).isEqualTo(g);
      }
    }

    @Test
    void aGrantIssuedFromItsTextRoundTripsAsRemitStoresIt() {
      Remit remit = Remit.builder().policy(POLICY)
          .clock(java.time.Clock.fixed(Instant.parse("2029-06-01T12:00:00Z"), java.time.ZoneOffset.UTC)).build();
      Grant issued = remit.issue(Grants.parseGrant("{id: g2, principal: alice, holder: bot, ttl: PT1H, "
          + "scopes: [{tools: payments, operations: charge, resources: \"**\"}]}", "body.yaml", "", remit.policy()));

      assertThat(issued.expiresAt()).isEqualTo(Instant.parse("2029-06-01T13:00:00Z"));
      assertThat(Grants.parseGrant(Grants.toJson(remit.grant("g2")), "stored", "", remit.policy()).build())
          .isEqualTo(remit.grant("g2"));
    }

    @Test
    void scopesRoundTripAndMayBeEmpty() throws Exception {
      List<Scope> scopes = everything().scopes();
      String json = Grants.toJson(scopes);

      assertThat(Grants.parseScopes(json, "e.json", "", POLICY)).isEqualTo(scopes);
      assertThat(Grants.readScopes(JSON.readValue(json, Object.class), "e", "", null)).isEqualTo(scopes);
      assertThat(Grants.toJson(List.of())).isEqualTo("[]");
      assertThat(Grants.parseScopes("[]", "e.json", "", POLICY)).isEmpty();
    }

    @Test
    void aTtlStandsForALifetimeFromIssuance() {
      Grant.Builder b = Grants.parseGrant("""
          {id: g, principal: alice, holder: bot, ttl: PT30M,
           scopes: [{tools: payments, operations: charge, resources: "**"}]}
          """, "g.yaml", "", POLICY);

      Instant now = Instant.parse("2026-03-02T10:00:00Z");
      assertThat(b.build(now).expiresAt()).isEqualTo(now.plus(Duration.ofMinutes(30)));
      assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("relative ttl");
    }

    @Test
    void instantsAndDurationsReadAsADocumentWritesThem() {
      assertThat(Grants.readInstant("2026-11-23T19:00:00+01:00", "s.yaml", "clock"))
          .isEqualTo(Instant.parse("2026-11-23T18:00:00Z"));
      assertThat(Grants.readInstant(Instant.EPOCH, "s.yaml", "clock")).isEqualTo(Instant.EPOCH);
      assertThat(Grants.readInstant(java.util.Date.from(Instant.EPOCH), "s.yaml", "clock")).isEqualTo(Instant.EPOCH);
      assertThat(Grants.readDuration("P1DT2H", "s.yaml", "ttl")).isEqualTo(Duration.ofHours(26));
      assertThat(Grants.readDuration(Duration.ofSeconds(5), "s.yaml", "ttl")).isEqualTo(Duration.ofSeconds(5));
    }
  }

  @Nested
  class Problems {
    @Test
    void aProblemReadsLikeThePolicyLoadersUnderTheBasePath() {
      String grant = """
          {id: g, principal: alice, holder: bot, ttl: PT1H,
           scopes: [{tools: [payments, paymnts], operations: [charge], resources: ["**"]}]}
          """;

      assertThat(problems(() -> Grants.parseGrant(grant, "suite.yaml", "cases[3].steps[0].issue_grant", POLICY)))
          .extracting(Problem::toString)
          .containsExactly("suite.yaml: cases[3].steps[0].issue_grant.scopes[0].tools[1]: tool 'paymnts' is not in "
              + "the catalog (did you mean 'payments'?)");
      assertThat(Grants.parseGrant(grant, "suite.yaml", "cases[3].steps[0].issue_grant", null))
          .as("without a policy the catalog is not checked").isNotNull();
    }

    @Test
    void everyProblemOfAGrantIsReportedTogether() {
      String grant = """
          id: "g 1"
          holdr: bot
          task: [t]
          scopes:
            - {tools: [paymnts], operations: [charge], resources: ["**"]}
            - {tools: payments, operations: [], resources: "a/../b", constraints: ["amount < 3"]}
            - tools: payments
          not_before: yesterday
          ttl: PT0S
          window: {start: "25:00", end: "17:00", zone: Europe/Pariss, days: [funday]}
          max_calls: -1
          credential: {audience: api, ttl: soon, scope: [x]}
          """;

      assertThat(problems(() -> Grants.parseGrant(grant, "s.yaml", "cases[0].issue_grant", POLICY))).containsExactly(
          at("cases[0].issue_grant.holdr", "unknown key 'holdr'", "did you mean 'holder'?"),
          at("cases[0].issue_grant.id", "grant id 'g 1' contains a space (U+0020) at index 1", null),
          at("cases[0].issue_grant", "missing required key 'principal'",
              "a root grant names the principal it acts for; a sub-grant names its parent grant instead"),
          at("cases[0].issue_grant", "missing required key 'holder'", null),
          at("cases[0].issue_grant.task", "expected a string, got a list", null),
          at("cases[0].issue_grant.scopes[0].tools[0]", "tool 'paymnts' is not in the catalog", "did you mean 'payments'?"),
          at("cases[0].issue_grant.scopes[1].resources", "resource pattern 'a/../b' contains a '..' segment", null),
          at("cases[0].issue_grant.scopes[1].constraints[0]",
              "constraint 'amount < 3': attribute 'amount' must start with one of [agent, args, context, resource, tool]",
              "write 'attribute operator value', e.g. 'args.amount <= 500'"),
          at("cases[0].issue_grant.scopes[1].operations", "must not be empty", null),
          at("cases[0].issue_grant.scopes[2]", "missing required key 'operations'", null),
          at("cases[0].issue_grant.scopes[2]", "missing required key 'resources'", null),
          at("cases[0].issue_grant.not_before", "'yesterday' is not an ISO-8601 instant", "write e.g. 2026-11-23T18:00:00Z"),
          at("cases[0].issue_grant.ttl", "must be positive, was PT0S", null),
          at("cases[0].issue_grant.window.start", "'25:00' is not a time of day",
              "write hours and minutes, e.g. 09:00 or 17:30"),
          at("cases[0].issue_grant.window.zone", "unknown time zone 'Europe/Pariss'", "did you mean 'Europe/Paris'?"),
          at("cases[0].issue_grant.window.days[0]", "unknown day 'funday'", "one of: mon, tue, wed, thu, fri, sat, sun"),
          at("cases[0].issue_grant.max_calls", "must be a positive number of calls, was -1",
              "leave max_calls out for no limit"),
          at("cases[0].issue_grant.credential.scope", "unknown key 'scope'", "did you mean 'scopes'?"),
          at("cases[0].issue_grant.credential.ttl", "'soon' is not an ISO-8601 duration",
              "write e.g. PT5M for five minutes or PT1H for an hour"));
    }

    @Test
    void theSameGrantHasTheSameProblemsInAPolicyDocumentAndOutsideOne() {
      String grant = """
              id: g1
              principal: alice
              holder: bot
              scopes: [{tools: [payments], operations: [charge], resources: ["**"], constraints: [nope]}]
              expires_at: 2030-02-30T00:00:00Z
              max_calls: lots
          """;
      String doc = PolicyReaderTest.BASE.substring(0, PolicyReaderTest.BASE.indexOf("grants:")) + "grants:\n  -\n"
          + grant;

      List<Problem> inDocument = PolicyReaderTest.problems(doc, "s.yaml");
      assertThat(inDocument).hasSize(3);
      assertThat(problems(() -> Grants.parseGrant(grant.stripIndent(), "s.yaml", "grants[0]", null)))
          .isEqualTo(inDocument);
    }

    @Test
    void expiresAtAndTtlAreExactlyOne() {
      String scopes = "scopes: [{tools: payments, operations: charge, resources: \"**\"}]";
      assertThat(problems(() -> Grants.parseGrant("{id: g, principal: alice, holder: bot, " + scopes + "}",
          "s.yaml", "g", null))).containsExactly(at("g", "missing required key 'expires_at'",
              "give expires_at (an instant) or ttl (a lifetime from issuance, e.g. PT1H)"));
      assertThat(problems(() -> Grants.parseGrant("{id: g, principal: alice, holder: bot, ttl: PT1H, "
          + "expires_at: 2030-01-01T00:00:00Z, " + scopes + "}", "s.yaml", "g", null)))
          .containsExactly(at("g.ttl", "give expires_at or ttl, not both",
              "expires_at is an instant; ttl is a lifetime from issuance"));
    }

    @Test
    void whatTheGrantRecordRefusesIsReportedAtTheGrant() {
      assertThat(problems(() -> Grants.parseGrant("{id: g, parent: g, holder: bot, ttl: PT1H, "
          + "scopes: [{tools: payments, operations: charge, resources: \"**\"}]}", "s.yaml", "x", null)))
          .containsExactly(at("x", "grant g cannot be its own parent", null));
    }

    @Test
    void everyProblemOfAListOfScopesIsReportedAtItsEntry() {
      assertThat(problems(() -> Grants.readScopes(List.of(
          Map.of("tools", List.of("paymnts"), "operations", List.of("charge"), "resources", "**"),
          "payments",
          Map.of("tools", "payments", "operations", "chrge", "resources", "**")), "s.yaml", "r.entitlements", POLICY)))
          .containsExactly(
              at("r.entitlements[0].tools[0]", "tool 'paymnts' is not in the catalog", "did you mean 'payments'?"),
              at("r.entitlements[1]", "expected a map, got a string", null),
              at("r.entitlements[2].operations[0]", "operation 'chrge' is not an operation of payments",
                  "did you mean 'charge'?"));
      assertThat(problems(() -> Grants.readScopes(Map.of(), "s.yaml", "r", null)))
          .containsExactly(at("r", "expected a list of scopes, got a map", null));
    }

    @Test
    void badInstantsAndDurationsAreProblemsAtTheirPath() {
      assertThat(problems(() -> Grants.readInstant("2026-03-02 10:00", "s.yaml", "clock"))).containsExactly(
          at("clock", "'2026-03-02 10:00' is not an ISO-8601 instant", "write e.g. 2026-11-23T18:00:00Z"));
      assertThat(problems(() -> Grants.readInstant(null, "s.yaml", "clock")))
          .containsExactly(at("clock", "expected a string, got null", null));
      assertThat(problems(() -> Grants.readDuration(List.of("PT1M"), "s.yaml", "cases[1].advance_clock")))
          .containsExactly(at("cases[1].advance_clock", "expected a string, got a list", null));
      assertThat(problems(() -> Grants.readDuration("-PT1M", "s.yaml", "ttl")))
          .containsExactly(at("ttl", "must be positive, was -PT1M", null));
      assertThatThrownBy(() -> Grants.readDuration("1h", "s.yaml", "ttl")).isInstanceOf(PolicyException.class)
          .hasMessage("invalid duration: s.yaml: ttl: '1h' is not an ISO-8601 duration "
              + "(write e.g. PT5M for five minutes or PT1H for an hour)");
    }
  }

  @Nested
  class LimitsAndHostileInput {
    static final String GRANT = "{\"id\":\"g\",\"principal\":\"alice\",\"holder\":\"bot\",\"ttl\":\"PT1H\","
        + "\"scopes\":[{\"tools\":[\"payments\"],\"operations\":[\"charge\"],\"resources\":[\"**\"]}]";

    @Test
    void textNestedDeeperThanThePolicyLoaderAllowsIsAProblem() {
      String deep = GRANT + ",\"task\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
      assertThat(problems(() -> Grants.parseGrant(deep, "s.json", "cases[0].issue_grant", null))).containsExactly(
          new Problem("s.json", "cases[0].issue_grant.task" + "[0]".repeat(31),
              "nests maps and lists more than 32 levels deep at line 1, column 174", null));
      String fits = GRANT + ",\"task\":" + "[".repeat(31) + "]".repeat(31) + "}";
      assertThat(problems(() -> Grants.parseGrant(fits, "s.json", "", null))).extracting(Problem::message)
          .containsExactly("expected a string, got a list");
    }

    @Test
    void valuesNestedTooDeeplyOrContainingThemselvesAreAProblem() {
      Object deep = "x";
      for (int i = 0; i < 5000; i++) {
        deep = List.of(deep);
      }
      Map<String, Object> grant = new LinkedHashMap<>();
      grant.put("id", "g");
      grant.put("task", deep);
      assertThat(problems(() -> Grants.readGrant(grant, "s.yaml", "g", null))).containsExactly(
          at("g.task" + "[0]".repeat(31), "nests maps and lists more than 32 levels deep", null));

      Map<String, Object> loop = new HashMap<>();
      loop.put("window", loop);
      assertThat(problems(() -> Grants.readGrant(loop, "s.yaml", "", null))).containsExactly(
          at("window".repeat(1) + ".window".repeat(31), "nests maps and lists more than 32 levels deep", null));
    }

    @Test
    void hugeTextsAndStringsAreRefusedWhole() {
      String huge = "x".repeat(16 * 1024 * 1024 + 1);
      assertThat(problems(() -> Grants.parseGrant(huge, "s.yaml", "g", null))).containsExactly(
          at("g", "the text is larger than 16 MiB", "split it, or remove what it does not need"));
      assertThat(problems(() -> Grants.readGrant(Map.of("id", "g", "holder", huge), "s.yaml", "g", null)))
          .containsExactly(at("g", "the value is larger than 16 MiB (found at g.holder)",
              "split it, or remove what it does not need"));
      String longId = "g".repeat(100_000);
      assertThat(problems(() -> Grants.parseGrant(GRANT.replace("\"id\":\"g\"", "\"id\":\"" + longId + "\"") + "}",
          "s.json", "", null))).extracting(Problem::path).containsExactly("id");
    }

    @Test
    void valuesOfTheWrongTypeAreProblemsWhereTheyStand() {
      Map<Object, Object> grant = new LinkedHashMap<>();
      grant.put("id", 42);
      grant.put("holder", new Thread());
      grant.put(7, "seven");
      grant.put(null, "none");
      grant.put("k".repeat(2000), "long");
      grant.put("principal", true);
      grant.put("scopes", new Object[] {Map.of("tools", Set.of("payments"), "operations", List.of(new Object()),
          "resources", "**")});
      grant.put("expires_at", java.time.ZonedDateTime.parse("2030-01-01T01:00:00+01:00[Europe/Paris]"));
      grant.put("max_calls", 2.5);

      assertThat(problems(() -> Grants.readGrant(grant, "s.yaml", "g", POLICY))).containsExactly(
          at("g", "has a key that is a java.lang.Integer, not a string", null),
          at("g", "has a key that is null, not a string", null),
          at("g", "has a key longer than 1024 characters", null),
          at("g.holder", "expected a string, got a java.lang.Thread", null),
          at("g.scopes[0].operations[0]", "expected a string, got a java.lang.Object", null),
          at("g.max_calls", "expected a whole number, got '2.5'", null));
      assertThat(Grants.readGrant(Map.of("id", 42, "principal", true, "holder", "bot", "expires_at",
          java.time.OffsetDateTime.parse("2030-01-01T01:00:00+01:00"), "scopes", List.of(Map.of("tools", "payments",
              "operations", "charge", "resources", "**"))), "s.yaml", "", POLICY).build())
          .as("numbers and booleans are read as their text, as a document's scalars are")
          .extracting(Grant::id, Grant::principal, Grant::expiresAt)
          .containsExactly("42", "true", Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Test
    void aTopLevelValueOfTheWrongShapeIsOneProblem() {
      assertThat(problems(() -> Grants.readGrant(null, "s.yaml", "g", null)))
          .containsExactly(at("g", "expected a map, got null", null));
      assertThat(problems(() -> Grants.readGrant(List.of(), "s.yaml", "g", null)))
          .containsExactly(at("g", "expected a map, got a list", null));
      assertThat(problems(() -> Grants.parseGrant("just text", "s.yaml", "g", null)))
          .containsExactly(at("g", "expected a map, got a string", null));
      assertThat(problems(() -> Grants.parseGrant("  ", "s.yaml", "g", null))).containsExactly(at("g",
          "the document is empty", "write a grant: a map with keys such as id, holder, scopes and expires_at"));
      assertThat(problems(() -> Grants.parseScopes("a: 1\n---\nb: 2\n", "s.yaml", "e", null)))
          .extracting(Problem::message).containsExactly("the text holds more than one YAML document",
              "expected a list of scopes, got a map");
    }

    @Test
    void aCollectionThatFailsWhileItIsReadIsAProblem() {
      List<Object> failing = new AbstractList<>() {
        @Override
        public Object get(int index) {
          throw new IllegalStateException("gone");
        }

        @Override
        public int size() {
          return 1;
        }
      };
      assertThat(problems(() -> Grants.readScopes(failing, "s.yaml", "e", null)))
          .containsExactly(at("e", "cannot read the value: java.lang.IllegalStateException", null));
    }

    @Test
    void textGetsThePolicyLoadersParserDefences() {
      assertThat(problems(() -> Grants.parseGrant("id: &a g\nholder: *a\n", "s.yaml", "g", null)))
          .extracting(Problem::message).anyMatch(m -> m.startsWith("uses the YAML a"));
      assertThat(problems(() -> Grants.parseGrant(GRANT + ",\"id\":\"h\"}", "s.json", "g", null)))
          .extracting(Problem::path, Problem::message)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("g.id", "duplicate key 'id' at line 1, column 136"));
      assertThat(problems(() -> Grants.parseGrant(GRANT, "s.json", "g", null))).extracting(Problem::message)
          .first().asString().startsWith("JSON syntax error at line 1");
      assertThat(problems(() -> Grants.parseGrant("{id: g, max_calls: 0x10}", "s.yaml", "g", null)))
          .contains(at("g.max_calls", "expected a whole number, got '0x10'", null));
    }

    @Test
    void manyProblemsStillComeBackAsProblems() {
      List<Object> scopes = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        scopes.add(i);
      }
      assertThat(problems(() -> Grants.readScopes(scopes, "s.yaml", "e", null))).hasSize(10_000)
          .last().isEqualTo(at("e[9999]", "expected a map, got a string", null));
    }
  }
}
