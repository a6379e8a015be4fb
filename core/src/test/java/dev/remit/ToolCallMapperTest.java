package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolCallMapperTest {
  private static ToolCallMapper.ToolCall call(String name, Map<String, Object> args) {
    return new ToolCallMapper.ToolCall(name, args, "worker", Map.of("task", "t-1"));
  }

  @Test
  void byDefaultADottedNameIsToolAndOperationAndTheResourceNamesTheTool() {
    Request r = ToolCallMapper.defaults().map(call("payments.transfer", Map.of("amount", 5L)));
    assertThat(r.subject()).isEqualTo("worker");
    assertThat(r.tool()).isEqualTo("payments");
    assertThat(r.operation()).isEqualTo("transfer");
    assertThat(r.resource()).isEqualTo("tools/payments");
    assertThat(r.args()).isEqualTo(Map.of("amount", 5L));
    assertThat(r.task()).isEqualTo("t-1");
  }

  @Test
  void byDefaultANameWithoutADotIsTheToolWithTheInvokeOperation() {
    Request r = ToolCallMapper.defaults().map(call("search", Map.of()));
    assertThat(r.tool()).isEqualTo("search");
    assertThat(r.operation()).isEqualTo(ToolCallMapper.DEFAULT_OPERATION);
    assertThat(ToolCallMapper.defaults().map(call("trailing.", Map.of())).tool()).isEqualTo("trailing.");
    assertThat(ToolCallMapper.builder().defaultResourcePrefix("mcp/").build().map(call("search", Map.of())).resource())
        .isEqualTo("mcp/search");
  }

  @Test
  void aPerToolMappingNamesTheCatalogToolAndFillsTheResourceFromTheArguments() {
    ToolCallMapper m = ToolCallMapper.builder()
        .tool("transfer_money", "payments", "transfer", "accounts/{/from}/to/{/payee/iban}")
        .tool("open_issue", new ToolCallMapper.Mapping("github", "create", "repos/{/repo}/{/n}", "issue"))
        .build();
    Request r = m.map(call("transfer_money", Map.of("from", "acme", "payee", Map.of("iban", "DE02"))));
    assertThat(r.tool()).isEqualTo("payments");
    assertThat(r.operation()).isEqualTo("transfer");
    assertThat(r.resource()).isEqualTo("accounts/acme/to/DE02");
    Request issue = m.map(call("open_issue", Map.of("repo", "remit", "n", new BigInteger("12"))));
    assertThat(issue.resource()).isEqualTo("repos/remit/12");
    assertThat(issue.resourceType()).isEqualTo("issue");
  }

  @Test
  void aPlaceholderWithoutAUsableValueLeavesNoResourceSoTheCallIsDeniedAsMalformed() {
    ToolCallMapper m = ToolCallMapper.builder().tool("t", "payments", "transfer", "accounts/{/from}").build();
    for (Map<String, Object> args : List.<Map<String, Object>>of(Map.of(), Map.of("from", ""),
        Map.of("from", 1.5), Map.of("from", List.of("a")), Map.of("from", Map.of("x", 1)), Map.of("from", true))) {
      assertThat(m.map(call("t", args)).resource()).as(args.toString()).isNull();
    }
    Remit remit = Remit.builder().policy(Fixtures.base().build()).build();
    assertThat(remit.authorize(m.map(call("t", Map.of()))).codes()).containsExactly(ReasonCode.MALFORMED_REQUEST);
  }

  @Test
  void aValueThatWouldAddAPathSegmentIsDeniedByTheNameChecks() {
    ToolCallMapper m = ToolCallMapper.builder().tool("t", "payments", "transfer", "accounts/{/from}").build();
    Remit remit = Fixtures.remit(Fixtures.base().build(), Fixtures.clock());
    Fixtures.issue(remit, Fixtures.rootGrant("g", "worker").task("t-1").allow("payments", Fixtures.ALL_OPS, "accounts/*"));
    assertThat(remit.authorize(m.map(call("t", Map.of("from", "acme")))).allowed()).isTrue();
    for (String evil : List.of("../secret", "a/b", "%2e%2e", "acme/..", "acme\u202e")) {
      Decision d = remit.authorize(m.map(call("t", Map.of("from", evil))));
      assertThat(d.allowed()).as(evil).isFalse();
    }
  }

  @Test
  void aToolTheCatalogDoesNotHaveIsDenied() {
    Remit remit = Remit.builder().policy(Fixtures.base().build()).build();
    assertThat(remit.authorize(ToolCallMapper.defaults().map(call("rm_rf.now", Map.of()))).codes())
        .containsExactly(ReasonCode.UNKNOWN_TOOL);
  }

  @Test
  void jsonArgumentsAreReadExactlyAndTextThatIsNotAnObjectIsDenied() {
    Request r = ToolCallMapper.defaults().map("payments.transfer", "{\"amount\": 500.0000000000000001, \"n\": 7}",
        "worker", Map.of());
    assertThat(r.args().get("amount")).isEqualTo(new java.math.BigDecimal("500.0000000000000001"));
    assertThat(r.args().get("n")).isEqualTo(7L);
    assertThat(ToolCallMapper.defaults().map("payments.transfer", "", "worker", Map.of()).args()).isEmpty();
    Remit remit = Remit.builder().policy(Fixtures.base().build()).build();
    for (String bad : List.of("[1]", "{\"a\":1,\"a\":2}", "{", "\"x\"", "{} {}")) {
      Request m = ToolCallMapper.defaults().map("payments.transfer", bad, "worker", Map.of());
      assertThat(remit.authorize(m).codes()).as(bad).containsExactly(ReasonCode.MALFORMED_REQUEST);
    }
    assertThatThrownBy(() -> ToolCallMapper.parseArguments("{\"a\":\"" + "x".repeat(ToolCallMapper.MAX_ARGUMENT_TEXT) + "\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most " + ToolCallMapper.MAX_ARGUMENT_TEXT);
  }

  @Test
  void aBadMappingIsRefusedWhenItIsMade() {
    assertThatThrownBy(() -> ToolCallMapper.builder().tool("t", "payments", "transfer", "accounts/{/from"))
        .hasMessageContaining("unterminated placeholder");
    assertThatThrownBy(() -> ToolCallMapper.builder().tool("t", "payments", "transfer", "accounts/{from}"))
        .hasMessageContaining("a placeholder is a JSON pointer");
    assertThatThrownBy(() -> ToolCallMapper.builder().tool("t", "payments", "trans fer", "accounts"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ToolCallMapper.builder().tool("t", "../x", "transfer", "accounts"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jsonPointersFollowEscapesAndListIndexes() {
    Map<String, Object> args = Map.of("a/b", Map.of("m~n", List.of("zero", "one")));
    assertThat(ToolCallMapper.Template.pointer(args, "/a~1b/m~0n/1")).isEqualTo("one");
    assertThat(ToolCallMapper.Template.pointer(args, "/a~1b/m~0n/9")).isNull();
    assertThat(ToolCallMapper.Template.pointer(args, "/a~1b/m~0n/x")).isNull();
    assertThat(ToolCallMapper.Template.pointer(args, "/nope/deeper")).isNull();
  }
}
