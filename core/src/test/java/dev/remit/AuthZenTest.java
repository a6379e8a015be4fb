package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

class AuthZenTest {
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  static Policy policy() {
    Principal alice = Principal.human("alice", List.of(
        Scope.all("crm", "crm/**"), Scope.all("payments", "accounts/**"))).withRole("finance");
    return Policy.builder()
        .version("v7")
        .principal(alice)
        .agent(Agent.of("assistant", "alice", "helps alice", "production"))
        .agent(Agent.of("researcher", "alice", "looks things up", "production"))
        .tool(Tool.of("crm", "read", RiskClass.READ, "write", RiskClass.WRITE))
        .tool(Tool.of("payments", "transfer", RiskClass.MONEY_MOVEMENT))
        .rule(Rule.requireApproval("big-transfer", "finance").tool("payments")
            .when("args.amount > 100").description("transfers over 100 need finance approval").build())
        .grant(Grant.builder("g-root").principal("alice").holder("assistant")
            .allow("crm", List.of("read", "write"), "crm/**")
            .allow("payments", List.of("transfer"), "accounts/**")
            .expiresAt(NOW.plus(Duration.ofDays(1))).build())
        .grant(Grant.builder("g-sub").parent("g-root").holder("researcher").task("t-1")
            .allow("crm", List.of("read"), "crm/contacts/**")
            .expiresAt(NOW.plus(Duration.ofHours(2))).build())
        .build();
  }

  static Remit remit() {
    return Remit.builder().policy(policy()).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  static final String FULL_REQUEST = """
      {
        "subject": {"type": "agent", "id": "assistant", "properties": {"ip_address": "10.0.0.1"}},
        "action": {"name": "transfer", "properties": {"tool": "payments", "args": {
          "amount": 250, "fee": 0.5, "huge": 123456789012345678901234567890, "memo": null,
          "tags": ["a", 1, true], "to": {"iban": "DE00", "note 😀": "café 😀"}}}},
        "resource": {"type": "account", "id": "accounts/42", "properties": {"currency": "EUR"}},
        "context": {"task": "t-9", "risk_score": 0.25, "attempt": 3},
        "unknown_top_level_field": "ignored"
      }
      """;

  // ---------------------------------------------------------------- request mapping

  @Test
  void everyPartOfAnAccessEvaluationRequestMapsOntoTheRequest() {
    Request r = AuthZen.parseRequest(FULL_REQUEST);

    assertThat(r.subject()).isEqualTo("assistant");
    assertThat(r.operation()).isEqualTo("transfer");
    assertThat(r.tool()).isEqualTo("payments");
    assertThat(r.resource()).isEqualTo("accounts/42");
    assertThat(r.resourceType()).isEqualTo("account");
    assertThat(r.resourceProperties()).containsExactly(Map.entry("currency", "EUR"));
    assertThat(r.args()).containsOnlyKeys("amount", "fee", "huge", "memo", "tags", "to");
    assertThat(r.args().get("amount")).isEqualTo(250L);
    assertThat(r.args().get("fee")).isEqualTo(0.5d);
    assertThat(r.args().get("huge")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(r.args().get("memo")).isNull();
    assertThat(r.args().get("tags")).isEqualTo(List.of("a", 1L, true));
    assertThat(r.args().get("to")).isEqualTo(Map.of("iban", "DE00", "note \uD83D\uDE00", "caf\u00e9 \uD83D\uDE00"));
    assertThat(r.context()).isEqualTo(Map.of("task", "t-9", "risk_score", 0.25d, "attempt", 3L));
    assertThat(r.task()).isEqualTo("t-9");
  }

  @Test
  void decimalsBeyondDoubleRangeStayBigDecimal() {
    Request r = AuthZen.parseRequest("""
        {"subject":{"type":"agent","id":"a"},"action":{"name":"o","properties":{"tool":"t","args":{"x":1e400}}},
         "resource":{"type":"r","id":"r"}}""");

    assertThat(r.args().get("x")).isEqualTo(new BigDecimal("1e400"));
  }

  @Test
  void decimalsADoubleHoldsExactlyAreDoublesAndLongerOnesStayExact() {
    Request r = AuthZen.parseRequest("""
        {"subject":{"type":"agent","id":"a"},"action":{"name":"o","properties":{"tool":"t","args":
          {"a":12.5,"b":0.1,"c":500.0000000000000001,"e":1.0E-7,"f":0.30000000000000004,"g":9007199254740993.0}}},
         "resource":{"type":"r","id":"r"}}""");

    assertThat(r.args().get("a")).isEqualTo(12.5d);
    assertThat(r.args().get("b")).isEqualTo(0.1d);
    assertThat(r.args().get("c")).isInstanceOf(BigDecimal.class);
    assertThat((BigDecimal) r.args().get("c")).isEqualByComparingTo("500.0000000000000001");
    assertThat(r.args().get("e")).isEqualTo(1.0E-7d);
    assertThat(r.args().get("f")).isEqualTo(0.30000000000000004d);
    assertThat(r.args().get("g")).as("2^53 + 1 has no double").isInstanceOf(BigDecimal.class);
    assertThat((BigDecimal) r.args().get("g")).isEqualByComparingTo("9007199254740993");
  }

  @Test
  void anySubjectTypeIsAcceptedAndSubjectPropertiesAreIgnored() {
    Request r = AuthZen.parseRequest("""
        {"subject":{"type":"user","id":"assistant","properties":{"environment":"staging"}},
         "action":{"name":"read","properties":{"tool":"crm"}},"resource":{"type":"record","id":"crm/1"}}""");

    assertThat(r.subject()).isEqualTo("assistant");
    assertThat(r).isEqualTo(Request.of("assistant", "crm", "read").resource("record", "crm/1").build());
  }

  @Test
  void aRequestWrittenAsJsonParsesBackToTheSameRequest() {
    Request r = AuthZen.parseRequest(FULL_REQUEST);

    assertThat(AuthZen.parseRequest(AuthZen.toJson(r))).isEqualTo(r);
  }

  @Test
  void aRequestBuiltInJavaIsWrittenInTheAuthZenShape() {
    Request r = Request.of("assistant", "crm", "read").resource("record", "crm/contacts/1")
        .arg("limit", 10L).resourceProperty("classification", "internal").task("t-1").build();

    String json = AuthZen.toJson(r);

    assertThat(json).isEqualTo("{\"subject\":{\"type\":\"agent\",\"id\":\"assistant\"},"
        + "\"action\":{\"name\":\"read\",\"properties\":{\"tool\":\"crm\",\"args\":{\"limit\":10}}},"
        + "\"resource\":{\"type\":\"record\",\"id\":\"crm/contacts/1\",\"properties\":{\"classification\":\"internal\"}},"
        + "\"context\":{\"task\":\"t-1\"}}");
    assertThat(AuthZen.parseRequest(json)).isEqualTo(r);
  }

  @Property(tries = 100)
  void everyRequestOfJsonValuesSurvivesARoundTrip(@ForAll("requests") Request r) {
    assertThat(AuthZen.parseRequest(AuthZen.toJson(r))).isEqualTo(r);
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> names = Arbitraries.strings().all().ofMaxLength(12).injectNull(0.1);
    Arbitrary<Map<String, Object>> maps = jsonObjects(2);
    return Combinators.combine(names, names, names, names, names, maps, maps, maps)
        .as(Request::new);
  }

  /** JSON values as parsing produces them. */
  private static Arbitrary<Object> jsonValues(int depth) {
    Arbitrary<Object> scalars = Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(8).map(x -> (Object) x),
        Arbitraries.longs().map(x -> (Object) x),
        Arbitraries.doubles().filter(x -> Double.isFinite(x) && !x.equals(-0.0d)).map(x -> (Object) x),
        Arbitraries.bigIntegers().between(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE),
            BigInteger.TEN.pow(40)).map(x -> (Object) x),
        Arbitraries.of(true, false).map(x -> (Object) x),
        Arbitraries.just(null));
    if (depth == 0) {
      return scalars;
    }
    return Arbitraries.oneOf(scalars,
        jsonValues(depth - 1).list().ofMaxSize(3).map(x -> (Object) x),
        jsonObjects(depth - 1).map(x -> (Object) x));
  }

  private static Arbitrary<Map<String, Object>> jsonObjects(int depth) {
    // Jackson refuses a lone surrogate in a field name (it accepts one in a value), so keys are
    // well-formed UTF-16; supplementary characters are covered by FULL_REQUEST
    Arbitrary<String> keys = Arbitraries.strings().withCharRange('\u0000', '\ud7ff')
        .withCharRange('\ue000', '\uffff').ofMaxLength(6);
    return Arbitraries.maps(keys, jsonValues(depth)).ofMaxSize(3);
  }

  @Test
  void javaIntegersComeBackAsLongsWhichDecideTheSame() {
    Remit remit = remit();
    Request r = Request.of("assistant", "payments", "transfer").resource("accounts/1").arg("amount", 250).build();

    Request back = AuthZen.parseRequest(AuthZen.toJson(r));

    assertThat(back.args().get("amount")).isEqualTo(250L);
    assertThat(remit.authorize(back).codes()).isEqualTo(remit.authorize(r).codes())
        .containsExactly(ReasonCode.APPROVAL_REQUIRED);
  }

  @Test
  void nullPartsOfARequestAreLeftOutAndStayNullAfterARoundTrip() {
    Request r = new Request("assistant", null, null, null, null, null, null, null);

    String json = AuthZen.toJson(r);

    assertThat(json).isEqualTo(
        "{\"subject\":{\"type\":\"agent\",\"id\":\"assistant\"},\"action\":{},\"resource\":{}}");
    assertThat(AuthZen.parseRequest(json)).isEqualTo(r);
  }

  @Test
  void nonAsciiCharactersAreEscapedInOutputSoLookalikesStayVisible() {
    Request r = Request.of("assistant", "crm", "read").resource("crm/\u0430\u200b").build();

    assertThat(AuthZen.toJson(r)).contains("\"id\":\"crm/\\u0430\\u200B\"");
    assertThat(AuthZen.parseRequest(AuthZen.toJson(r))).isEqualTo(r);
  }

  // ---------------------------------------------------------------- malformed input

  @Test
  void unparseableJsonThrowsSayingWhatAndWhere() {
    assertThatThrownBy(() -> AuthZen.parseRequest("{\"subject\": {\"id\": \"a\",}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid AuthZEN request: malformed JSON: Unexpected character ('}'")
        .hasMessageEndingWith("(line 1, column 24)");
  }

  @Test
  void anEmptyBodyThrows() {
    assertThatThrownBy(() -> AuthZen.parseRequest("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid AuthZEN request: empty body, expected a JSON object");
  }

  @Test
  void aTopLevelValueOtherThanAnObjectThrows() {
    assertThatThrownBy(() -> AuthZen.parseRequest("[1, 2]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid AuthZEN request: expected a JSON object, was array");
  }

  @Test
  void aKeyGivenTwiceThrowsBecauseParsersDisagreeOnWhichWins() {
    assertThatThrownBy(() -> AuthZen.parseRequest(
        "{\"subject\":{\"type\":\"agent\",\"id\":\"assistant\",\"id\":\"admin-bot\"}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid AuthZEN request: malformed JSON: Duplicate field 'id'");
  }

  @Test
  void trailingDataAfterTheObjectThrows() {
    assertThatThrownBy(() -> AuthZen.parseRequest("{} {}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid AuthZEN request: malformed JSON: Trailing token");
  }

  @Test
  void deeplyNestedJsonIsRefusedBeforeItIsWalked() {
    String deep = "{\"context\":{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}}";

    assertThatThrownBy(() -> AuthZen.parseRequest(deep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void aRequestWithoutToolParsesAndIsDeniedAsMalformed() {
    Request r = AuthZen.parseRequest("""
        {"subject":{"type":"agent","id":"assistant"},"action":{"name":"read"},
         "resource":{"type":"record","id":"crm/contacts/1"}}""");

    assertThat(r.tool()).isNull();
    Decision d = remit().authorize(r);
    assertThat(d.outcome()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).containsExactly(ReasonCode.MALFORMED_REQUEST);
    assertThat(d.reasons().get(0).message()).isEqualTo("request has no tool");
    assertThat(AuthZen.toBareJson(d)).isEqualTo("{\"decision\":false}");
  }

  @Test
  void wronglyTypedPartsBecomeNullAndAreDeniedAsMalformed() {
    String resource = "\"resource\":{\"type\":\"record\",\"id\":\"crm/contacts/1\"}";
    String action = "\"action\":{\"name\":\"read\",\"properties\":{\"tool\":\"crm\"}}";
    String subject = "\"subject\":{\"type\":\"agent\",\"id\":\"assistant\"}";
    Map<String, String> cases = Map.of(
        "{\"subject\":\"assistant\"," + action + "," + resource + "}", "subject",
        "{\"subject\":{\"type\":\"agent\",\"id\":7}," + action + "," + resource + "}", "subject",
        "{" + subject + ",\"action\":{\"name\":123,\"properties\":{\"tool\":\"crm\"}}," + resource + "}", "tool",
        "{" + subject + ",\"action\":{\"name\":\"read\",\"properties\":{\"tool\":\"crm\",\"args\":[1]}},"
            + resource + "}", "tool",
        "{" + subject + "," + action + ",\"resource\":{\"type\":\"record\",\"id\":\"crm/1\",\"properties\":\"x\"}}",
        "resource",
        "{" + subject + "," + action + "," + resource + ",\"context\":\"t-1\"}", "subject",
        "{" + subject + "," + action + "}", "resource");
    Remit remit = remit();

    cases.forEach((json, missing) -> {
      Decision d = remit.authorize(AuthZen.parseRequest(json));
      assertThat(d.codes()).as(json).containsExactly(ReasonCode.MALFORMED_REQUEST);
      assertThat(d.reasons().get(0).message()).as(json).isEqualTo("request has no " + missing);
      assertThat(AuthZen.problems(json)).as(json).isNotEmpty();
    });
  }

  @Test
  void wronglyTypedArgumentsDoNotSilentlyBecomeNoArguments() {
    Request r = AuthZen.parseRequest("""
        {"subject":{"type":"agent","id":"assistant"},
         "action":{"name":"transfer","properties":{"tool":"payments","args":"amount=5000"}},
         "resource":{"type":"account","id":"accounts/1"}}""");

    assertThat(r.tool()).isNull();
    assertThat(r.operation()).isNull();
  }

  @Test
  void problemsNameEveryMissingOrWronglyTypedPartByItsPath() {
    assertThat(AuthZen.problems(FULL_REQUEST)).isEmpty();
    assertThat(AuthZen.problems("""
        {"subject":{"id":7,"properties":[]},"action":{"name":"read"},
         "resource":"crm/1","context":"t-1"}""")).containsExactly(
        "subject.type is missing",
        "subject.id must be a string, was number",
        "subject.properties must be an object, was array",
        "action.properties.tool is missing (Remit needs the tool name)",
        "resource must be an object, was string",
        "context must be an object, was string");
    assertThat(AuthZen.problems("{\"action\":{\"properties\":{\"tool\":1,\"args\":\"x\"}}}")).containsExactly(
        "subject is missing",
        "action.name is missing",
        "action.properties.tool must be a string, was number",
        "action.properties.args must be an object, was string",
        "resource is missing");
  }

  @Test
  void problemsOfABatchAreReportedPerItemAfterDefaultsApply() {
    assertThat(AuthZen.problems("""
        {"subject":{"type":"agent","id":"assistant"},"action":{"name":"read","properties":{"tool":"crm"}},
         "resource":{"type":"record"},
         "evaluations":[{"resource":{"id":"crm/1"}}, {}, 3]}""")).containsExactly(
        "evaluations[1].resource.id is missing",
        "evaluations[2] must be an object, was number");
  }

  // ---------------------------------------------------------------- batches

  @Test
  void batchItemsReplaceTopLevelDefaultsKeyByKeyWithoutMerging() {
    AuthZen.Batch b = AuthZen.parseEvaluations("""
        {"subject":{"type":"agent","id":"assistant"},
         "action":{"name":"read","properties":{"tool":"crm","args":{"limit":5}}},
         "resource":{"type":"record","id":"crm/contacts/1","properties":{"owner":"alice"}},
         "context":{"task":"t-1","channel":"chat"},
         "evaluations":[
           {},
           {"action":{"name":"write","properties":{"tool":"crm"}}},
           {"resource":{"type":"note","id":"crm/notes/9"},"context":{"channel":"email"}},
           {"subject":{"type":"agent","id":"researcher"}}
         ]}""");

    Request base = Request.of("assistant", "crm", "read").resource("record", "crm/contacts/1")
        .arg("limit", 5L).resourceProperty("owner", "alice").context("task", "t-1")
        .context("channel", "chat").build();
    assertThat(b.single()).isFalse();
    assertThat(b.semantic()).isEqualTo(BatchSemantic.EXECUTE_ALL);
    assertThat(b.requests()).hasSize(4);
    assertThat(b.requests().get(0)).isEqualTo(base);
    assertThat(b.requests().get(1)).isEqualTo(new Request("assistant", "crm", "write", "crm/contacts/1",
        "record", Map.of(), Map.of("owner", "alice"), base.context()));
    assertThat(b.requests().get(2)).isEqualTo(new Request("assistant", "crm", "read", "crm/notes/9",
        "note", Map.of("limit", 5L), Map.of(), Map.of("channel", "email")));
    assertThat(b.requests().get(3)).isEqualTo(new Request("researcher", "crm", "read", "crm/contacts/1",
        "record", Map.of("limit", 5L), Map.of("owner", "alice"), base.context()));
  }

  @Test
  void aBatchItemEntityLackingTypeOrIdTakesThemFromTheDefault() {
    AuthZen.Batch b = AuthZen.parseEvaluations("""
        {"subject":{"type":"agent","id":"assistant","properties":{"x":1}},
         "action":{"name":"read","properties":{"tool":"crm"}},
         "resource":{"type":"record","properties":{"owner":"alice"}},
         "evaluations":[
           {"resource":{"id":"crm/contacts/1","properties":{"status":"active"}}},
           {"subject":{"type":"agent"},"action":{"properties":{"tool":"crm"}},"resource":{"id":"crm/contacts/2"}},
           {"action":{"name":"write"}}
         ]}""");

    assertThat(b.requests().get(0)).isEqualTo(Request.of("assistant", "crm", "read")
        .resource("record", "crm/contacts/1").resourceProperty("status", "active").build());
    assertThat(b.requests().get(1)).isEqualTo(Request.of("assistant", "crm", "read")
        .resource("record", "crm/contacts/2").build());
    // properties are replaced whole, so an item action without its own tool has none
    assertThat(b.requests().get(2).tool()).isNull();
    assertThat(b.requests().get(2).resource()).isNull();
  }

  @Test
  void aBatchItemThatIsNotAnObjectIsDeniedAndKeepsItsPlace() {
    Remit remit = remit();

    String out = AuthZen.evaluate(remit, """
        {"subject":{"type":"agent","id":"assistant"},"action":{"name":"read","properties":{"tool":"crm"}},
         "resource":{"type":"record","id":"crm/contacts/1"},
         "evaluations":[{}, 42, {}]}""", true);

    assertThat(out).isEqualTo(
        "{\"evaluations\":[{\"decision\":true},{\"decision\":false},{\"decision\":true}]}");
  }

  @Test
  void aBatchItemMissingARequiredPartIsDeniedWhileTheOthersAreEvaluated() {
    String out = AuthZen.evaluate(remit(), """
        {"subject":{"type":"agent","id":"assistant"},"action":{"name":"read","properties":{"tool":"crm"}},
         "evaluations":[{"resource":{"type":"record","id":"crm/contacts/1"}}, {}]}""", true);

    assertThat(out).isEqualTo("{\"evaluations\":[{\"decision\":true},{\"decision\":false}]}");
  }

  @Test
  void missingOrEmptyEvaluationsIsASingleEvaluationAnsweredWithOneDecision() {
    String single = """
        {"subject":{"type":"agent","id":"assistant"},"action":{"name":"read","properties":{"tool":"crm"}},
         "resource":{"type":"record","id":"crm/contacts/1"}%s}""";

    for (String tail : List.of("", ",\"evaluations\":[]", ",\"evaluations\":null")) {
      AuthZen.Batch b = AuthZen.parseEvaluations(single.formatted(tail));
      assertThat(b.single()).isTrue();
      assertThat(b.requests()).containsExactly(AuthZen.parseRequest(single.formatted("")));
      assertThat(AuthZen.evaluate(remit(), single.formatted(tail), true)).isEqualTo("{\"decision\":true}");
    }
  }

  static final String THREE_RESOURCES = """
      {"subject":{"type":"agent","id":"researcher"},"action":{"name":"read","properties":{"tool":"crm"}},
       "context":{"task":"t-1"},
       %s
       "evaluations":[
         {"resource":{"type":"record","id":"crm/contacts/1"}},
         {"resource":{"type":"record","id":"crm/deals/2"}},
         {"resource":{"type":"record","id":"crm/contacts/3"}}
       ]}""";

  @Test
  void executeAllReturnsEveryDecisionInRequestOrder() {
    String out = AuthZen.evaluate(remit(), THREE_RESOURCES.formatted(""), true);

    assertThat(out).isEqualTo(
        "{\"evaluations\":[{\"decision\":true},{\"decision\":false},{\"decision\":true}]}");
    assertThat(AuthZen.evaluate(remit(),
        THREE_RESOURCES.formatted("\"options\":{\"evaluations_semantic\":\"execute_all\"},"), true))
        .isEqualTo(out);
  }

  @Test
  void denyOnFirstDenyStopsAfterTheFirstDenyAndIncludesIt() {
    String out = AuthZen.evaluate(remit(),
        THREE_RESOURCES.formatted("\"options\":{\"evaluations_semantic\":\"deny_on_first_deny\"},"), true);

    assertThat(out).isEqualTo("{\"evaluations\":[{\"decision\":true},{\"decision\":false}]}");
  }

  @Test
  void permitOnFirstPermitStopsAtTheFirstPermit() {
    String out = AuthZen.evaluate(remit(),
        THREE_RESOURCES.formatted("\"options\":{\"evaluations_semantic\":\"permit_on_first_permit\"},"), true);

    assertThat(out).isEqualTo("{\"evaluations\":[{\"decision\":true}]}");
  }

  @Test
  void aShortCircuitSemanticThatNeverTriggersReturnsEveryDecision() {
    String allDenied = THREE_RESOURCES.replace("crm/contacts/", "crm/deals/");

    assertThat(AuthZen.evaluate(remit(),
        allDenied.formatted("\"options\":{\"evaluations_semantic\":\"permit_on_first_permit\"},"), true))
        .isEqualTo("{\"evaluations\":[{\"decision\":false},{\"decision\":false},{\"decision\":false}]}");
    String allAllowed = THREE_RESOURCES.replace("crm/deals/", "crm/contacts/");
    assertThat(AuthZen.evaluate(remit(),
        allAllowed.formatted("\"options\":{\"evaluations_semantic\":\"deny_on_first_deny\"},"), true))
        .isEqualTo("{\"evaluations\":[{\"decision\":true},{\"decision\":true},{\"decision\":true}]}");
  }

  @Test
  void theSemanticIsParsedFromOptions() {
    assertThat(AuthZen.parseEvaluations(THREE_RESOURCES.formatted(
        "\"options\":{\"evaluations_semantic\":\"deny_on_first_deny\"},")).semantic())
        .isEqualTo(BatchSemantic.DENY_ON_FIRST_DENY);
    // the misspelt key of one draft example is not the normative one and is ignored
    assertThat(AuthZen.parseEvaluations(THREE_RESOURCES.formatted(
        "\"options\":{\"evaluation_semantics\":\"deny_on_first_deny\"},")).semantic())
        .isEqualTo(BatchSemantic.EXECUTE_ALL);
  }

  @Test
  void anUnknownSemanticThrows() {
    assertThatThrownBy(() -> AuthZen.parseEvaluations(THREE_RESOURCES.formatted(
        "\"options\":{\"evaluations_semantic\":\"first_applicable\"},")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid AuthZEN evaluations request: options.evaluations_semantic must be one of"
            + " execute_all, deny_on_first_deny, permit_on_first_permit, was \"first_applicable\"");
  }

  @Test
  void evaluationsThatIsNotAnArrayThrows() {
    assertThatThrownBy(() -> AuthZen.parseEvaluations("{\"evaluations\":{\"1\":{}}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid AuthZEN evaluations request: evaluations must be an array, was object");
  }

  // ---------------------------------------------------------------- responses

  @Test
  void bareOutputIsExactlyTheDecisionMember() {
    Remit remit = remit();
    Decision allow = remit.authorize(Request.of("assistant", "crm", "read").resource("crm/contacts/1").build());
    Decision deny = remit.authorize(Request.of("assistant", "crm", "read").resource("hr/1").build());

    assertThat(AuthZen.toBareJson(allow)).isEqualTo("{\"decision\":true}");
    assertThat(AuthZen.toBareJson(deny)).isEqualTo("{\"decision\":false}");
    assertThat(AuthZen.toJson(List.of(allow, deny), true))
        .isEqualTo("{\"evaluations\":[{\"decision\":true},{\"decision\":false}]}");
  }

  @Test
  void fullOutputHasEveryPartInAFixedOrder() {
    Decision d = new Decision("d-1", Outcome.ALLOW,
        List.of(new Reason(ReasonCode.GRANT_MATCHED, "grant 'g-sub' covers crm.read on crm/contacts/1")),
        List.of(new Obligation.MintCredential("crm", List.of(), java.time.Duration.ofSeconds(300), "g-sub")),
        "researcher", "researcher", "g-sub",
        new DelegationChain("alice", List.of(new DelegationChain.Hop("g-root", "assistant", "alice", null),
            new DelegationChain.Hop("g-sub", "researcher", "assistant", "t-1"))),
        null, "v7", 3, NOW);

    assertThat(AuthZen.toJson(d, AuthZen.Disclosure.OPERATOR)).isEqualTo("{\"decision\":true,\"context\":{\"id\":\"d-1\",\"outcome\":\"ALLOW\","
        + "\"reason_codes\":[\"GRANT_MATCHED\"],"
        + "\"reasons\":[{\"code\":\"GRANT_MATCHED\",\"message\":\"grant 'g-sub' covers crm.read on crm/contacts/1\","
        + "\"agent_message\":\"the call is within the agent's current remit\"}],"
        + "\"obligations\":[{\"type\":\"mint-credential\",\"attributes\":{\"audience\":\"crm\",\"grant\":\"g-sub\","
        + "\"scopes\":\"\",\"ttl_seconds\":\"300\"}}],"
        + "\"subject\":\"researcher\",\"agent\":\"researcher\",\"grant\":\"g-sub\","
        + "\"chain\":{\"principal\":\"alice\",\"hops\":[{\"grant\":\"g-root\",\"holder\":\"assistant\",\"issued_by\":\"alice\"},"
        + "{\"grant\":\"g-sub\",\"holder\":\"researcher\",\"issued_by\":\"assistant\",\"task\":\"t-1\"}]},"
        + "\"policy_version\":\"v7\",\"revision\":3,\"evaluated_at\":\"2026-11-23T12:00:00Z\"}}");
  }

  @Test
  void theDefaultOutputIsTheAgentsAndRevealsNoIdentitiesGrantsChainsOrLimits() {
    Decision d = new Decision("d-2", Outcome.REQUIRE_APPROVAL,
        List.of(new Reason(ReasonCode.APPROVAL_REQUIRED, "rule 'big' requires approval by role 'cfo': transfers above 10000"),
            new Reason(ReasonCode.CONSTRAINT_VIOLATED, "grant 'g-sub' requires args.amount <= 500 but 'args.amount' is 700")),
        List.of(new Obligation.ApprovalNeeded("big", "cfo", "transfers above 10000"),
            new Obligation.MintCredential("bank", List.of("transfers:create"), java.time.Duration.ofSeconds(60), "g-sub")),
        "researcher", "researcher", "g-sub",
        new DelegationChain("alice", List.of(new DelegationChain.Hop("g-sub", "researcher", "alice", null))),
        null, "v7", 3, NOW);

    assertThat(AuthZen.toJson(d)).isEqualTo("{\"decision\":false,\"context\":{\"id\":\"d-2\",\"outcome\":\"REQUIRE_APPROVAL\","
        + "\"reason_codes\":[\"APPROVAL_REQUIRED\",\"CONSTRAINT_VIOLATED\"],"
        + "\"reasons\":[{\"code\":\"APPROVAL_REQUIRED\",\"message\":\"this call needs a human approval before it can run\"},"
        + "{\"code\":\"CONSTRAINT_VIOLATED\",\"message\":\"an argument or attribute of this call is outside what the agent may do\"}],"
        + "\"obligations\":[{\"type\":\"approval\",\"attributes\":{\"approver_role\":\"cfo\"}}],"
        + "\"evaluated_at\":\"2026-11-23T12:00:00Z\"}}");
    assertThat(AuthZen.toJson(d)).isEqualTo(AuthZen.toJson(d, AuthZen.Disclosure.AGENT))
        .doesNotContain("alice", "researcher", "g-sub", "10000", "500", "700", "bank", "big", "v7");
  }

  @Test
  void fullOutputOfARealDecisionCarriesReasonsAndTheDelegationChain() {
    Decision d = remit().authorize(AuthZen.parseRequest("""
        {"subject":{"type":"agent","id":"researcher"},"action":{"name":"read","properties":{"tool":"crm"}},
         "resource":{"type":"record","id":"crm/contacts/1"},"context":{"task":"t-1"}}"""));

    String json = AuthZen.toJson(d, AuthZen.Disclosure.OPERATOR);

    assertThat(json).startsWith("{\"decision\":true,\"context\":{\"id\":\"" + d.id() + "\",\"outcome\":\"ALLOW\","
        + "\"reason_codes\":[\"GRANT_MATCHED\"],\"reasons\":[{\"code\":\"GRANT_MATCHED\",\"message\":\"");
    assertThat(json).contains("\"grant\":\"g-sub\",\"chain\":{\"principal\":\"alice\",\"hops\":["
        + "{\"grant\":\"g-root\",\"holder\":\"assistant\",\"issued_by\":\"alice\"},"
        + "{\"grant\":\"g-sub\",\"holder\":\"researcher\",\"issued_by\":\"assistant\",\"task\":\"t-1\"}]}");
    assertThat(json).endsWith("\"policy_version\":\"v7\",\"revision\":0,\"evaluated_at\":\"2026-11-23T12:00:00Z\"}}");
  }

  @Test
  void requireApprovalIsDecisionFalseWithTheApprovalObligation() {
    Remit remit = remit();
    Request transfer = AuthZen.parseRequest("""
        {"subject":{"type":"agent","id":"assistant"},
         "action":{"name":"transfer","properties":{"tool":"payments","args":{"amount":250}}},
         "resource":{"type":"account","id":"accounts/42"}}""");

    Decision d = remit.authorize(transfer);

    assertThat(d.outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
    assertThat(AuthZen.toBareJson(d)).isEqualTo("{\"decision\":false}");
    assertThat(AuthZen.toJson(d)).startsWith("{\"decision\":false,\"context\":{")
        .contains("\"outcome\":\"REQUIRE_APPROVAL\",\"reason_codes\":[\"APPROVAL_REQUIRED\"]")
        .contains("{\"type\":\"approval\",\"attributes\":{");

    Approval a = remit.approve(transfer, "alice", "finance", Duration.ofMinutes(5));
    Decision approved = remit.authorize(AuthZen.parseRequest(
        AuthZen.toJson(transfer.withContext("approval", a.id()))));
    assertThat(AuthZen.toBareJson(approved)).isEqualTo("{\"decision\":true}");
    assertThat(AuthZen.toJson(approved, AuthZen.Disclosure.OPERATOR)).contains("\"approval\":\"" + a.id() + "\"");
    assertThat(AuthZen.toJson(d)).contains("{\"type\":\"approval\",\"attributes\":{\"approver_role\":\"finance\"}}");
  }

  @Test
  void aFullResponseReadsBackIntoTheSameDecision() {
    Remit remit = remit();
    List<Decision> decisions = List.of(
        remit.authorize(AuthZen.parseRequest(FULL_REQUEST.replace("t-9", "t-1"))),
        remit.authorize(Request.of("researcher", "crm", "read").resource("crm/contacts/1").task("t-1").build()),
        remit.authorize(Request.of("ghost", "crm", "read").resource("crm/contacts/1").build()));

    for (Decision d : decisions) {
      assertThat(AuthZen.parseDecision(AuthZen.toJson(d, AuthZen.Disclosure.OPERATOR))).isEqualTo(d);
    }
    assertThatThrownBy(() -> AuthZen.parseDecision(AuthZen.toJson(decisions.get(0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an agent-facing response, which carries too little to rebuild a decision");
  }

  @Test
  void aBareResponseCannotBeReadBackIntoADecision() {
    assertThatThrownBy(() -> AuthZen.parseDecision("{\"decision\":true}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid AuthZEN decision: context is missing; a bare decision cannot be read back into a Decision");
  }

  @Test
  void aResponseWhoseDecisionContradictsItsOutcomeIsRefused() {
    Decision d = remit().authorize(Request.of("assistant", "crm", "read").resource("hr/1").build());
    String forged = AuthZen.toJson(d, AuthZen.Disclosure.OPERATOR).replace("{\"decision\":false", "{\"decision\":true");

    assertThatThrownBy(() -> AuthZen.parseDecision(forged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid AuthZEN decision: decision true contradicts context.outcome DENY");
  }

  @Test
  void aFullBatchResponseListsFullDecisionsInOrder() {
    Remit remit = remit();
    String out = AuthZen.evaluate(remit, THREE_RESOURCES.formatted(""), false);

    assertThat(out).startsWith("{\"evaluations\":[{\"decision\":true,\"context\":{");
    assertThat(out.split("\"decision\":")).hasSize(4);
    assertThat(out).contains("\"reason_codes\":[\"NO_MATCHING_GRANT\"]");
  }
}
