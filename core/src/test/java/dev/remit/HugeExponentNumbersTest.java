package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.internal.Canonical;
import dev.remit.internal.audit.Digests;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A number of a dozen characters with an enormous exponent (1e999999999, 1E-999999999) is decided,
 * audited, bound by approvals and written as AuthZEN JSON in time and space bounded by its digits:
 * nothing expands it to plain text (a billion zeros) or to a BigInteger.
 */
@Timeout(60)
class HugeExponentNumbersTest {
  private static final List<Object> HUGE = List.of(new BigDecimal("1e999999999"), new BigDecimal("-1e999999999"),
      new BigDecimal("1E-999999999"), new BigDecimal("-7.5e-999999999"), new BigDecimal("123456789e999999990"),
      new BigDecimal(BigInteger.TEN, Integer.MIN_VALUE), new BigDecimal(BigInteger.ONE, Integer.MAX_VALUE));

  private static Request withHuge(Request.Builder b, Object v) {
    return b.arg("amount", v).arg("nested", Map.of("list", List.of(v))).resourceProperty("size", v)
        .context("score", v).build();
  }

  @Test
  void theCanonicalTextAndDigestOfAHugeExponentAreSmall() {
    for (Object v : HUGE) {
      Map<String, Object> args = Map.of("amount", v, "nested", Map.of("list", List.of(v)));
      assertThat(Canonical.of(args).length()).as("%s", v).isLessThan(100);
      assertThat(Canonical.ofBound(v).length()).isLessThan(40);
      assertThat(Digests.args(args)).startsWith("sha256:");
    }
    assertThat(Digests.args(Map.of("a", new BigDecimal("1e999999999"))))
        .isEqualTo(Digests.args(Map.of("a", new BigDecimal("10e999999998"))))
        .isNotEqualTo(Digests.args(Map.of("a", new BigDecimal("1e999999998"))));
  }

  @Test
  void conditionsCompareHugeExponentsByValue() {
    Policy p = base().rule(Rule.forbid("huge").tool("crm").when("args.amount > 500").build()).build();
    for (boolean cached : new boolean[] {true, false}) {
      Remit r = Fixtures.remit(p, clock(), cached);
      r.issue(rootGrant("pay", "worker").allow("payments", ALL_OPS, "acct/**").constraint("args.amount <= 500"));
      r.issue(rootGrant("crm", "worker").allow("crm", ALL_OPS, "**"));
      for (int round = 0; round < 2; round++) {
        for (String over : List.of("1e999999999", "5.00000000000000000000001e2", "1e400")) {
          Decision d = r.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", new BigDecimal(over)).build());
          assertThat(d.codes()).as(over).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
          assertThat(d.reasons().get(0).message().length()).isLessThan(200);
          assertThat(r.authorize(call("worker", "crm", "read", "c/1").arg("amount", new BigDecimal(over)).build()).codes())
              .containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
        }
        for (String within : List.of("-1e999999999", "1E-999999999", "-1E-999999999", "5e2", "4.99999999999e2")) {
          assertThat(r.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", new BigDecimal(within))
              .build()).allowed()).as(within).isTrue();
          assertThat(r.authorize(call("worker", "crm", "read", "c/1").arg("amount", new BigDecimal(within)).build())
              .allowed()).as(within).isTrue();
        }
      }
      r.close();
    }
  }

  @Test
  void theAuditWriterRecordsHugeExponentsAndKeepsWriting(@TempDir Path dir) throws Exception {
    MemoryAuditSink mem = AuditSinks.memory();
    Path log = dir.resolve("audit.jsonl");
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).sink(AuditSinks.jsonLines(log).build()).build())) {
      for (Object v : HUGE) {
        Decision d = remit.authorize(withHuge(Request.of("refunder", "billing", "refund").resource("invoice", "invoices/42")
            .task("T-1"), v));
        assertThat(d.outcome()).isNotNull();
        remit.auditTrail().outcome(withHuge(Request.of("refunder", "billing", "refund").resource("invoice", "invoices/42")
            .task("T-1"), v), d).executedArgs(Map.of("amount", v)).changed("total", v).succeeded();
      }
      remit.authorize(AuditFixture.refund(5));
      assertThat(remit.auditTrail().flush()).isTrue();
      assertThat(mem.decisions()).hasSize(HUGE.size() + 1);
      assertThat(mem.outcomes()).hasSize(HUGE.size());
      assertThat(mem.decisions().get(HUGE.size()).args()).containsEntry("amount", 5);
      AuditStats stats = remit.auditTrail().stats();
      assertThat(stats.sinkErrors()).isZero();
      assertThat(stats.dropped()).isZero();
      assertThat(stats.written()).isEqualTo(2L * HUGE.size() + 1);
    }
    assertThat(Files.size(log)).as("no number was expanded").isLessThan(100_000);
    assertThat(Files.readAllLines(log)).hasSize(2 * HUGE.size() + 1).anyMatch(l -> l.contains("1E+999999999"));
    assertThat(AuditLog.verify(List.of(log)).result()).isEqualTo(AuditLog.Result.INTACT);
  }

  @Test
  void anApprovalOfAHugeExponentBindsItAndAuthorizeNeverThrows() {
    Policy p = base()
        .rule(Rule.requireApproval("all-args", "finance").tool("payments").when("args.amount > 100").build())
        .rule(Rule.requireApproval("bound", "finance").tool("crm").bind("args.amount").bind("context.score")
            .bind("resource.size").build())
        .build();
    Remit r = Fixtures.remit(p, clock(), true);
    r.issue(rootGrant("all", "worker").allow("**", ALL_OPS, "**"));
    for (String tool : List.of("payments", "crm")) {
      String op = tool.equals("crm") ? "read" : "transfer";
      Request ask = withHuge(call("worker", tool, op, "acct/1"), new BigDecimal("1e999999999"));
      assertThat(r.authorize(ask).codes()).as(tool).containsExactly(ReasonCode.APPROVAL_REQUIRED);
      Approval a = r.approve(ask, "alice", "finance", Duration.ofMinutes(5));
      assertThat(a.bound().values()).allMatch(text -> text.length() < 200);

      Request same = withHuge(call("worker", tool, op, "acct/1").context("approval", a.id()), new BigDecimal("10e999999998"));
      Decision ok = r.authorize(same);
      assertThat(ok.outcome()).as(ok.explain()).isEqualTo(Outcome.ALLOW);
      assertThat(ok.codes()).contains(ReasonCode.APPROVAL_ACCEPTED);

      Approval b = r.approve(ask, "alice", "finance", Duration.ofMinutes(5));
      // all above 100, so both rules apply: only the binding can tell them from the approved number
      for (Object other : List.of(new BigDecimal("1e999999998"), new BigDecimal("2e999999999"),
          new BigDecimal("1.0000000000000000001e999999999"), new BigDecimal(BigInteger.TEN, Integer.MIN_VALUE))) {
        Decision d = r.authorize(withHuge(call("worker", tool, op, "acct/1").context("approval", b.id()), other));
        assertThat(d.allowed()).as("%s via %s: %s", other, tool, d.explain()).isFalse();
      }
    }
    r.close();
  }

  @Test
  void authZenJsonWritesHugeExponentsAsShortNumbersAndReadsThemBack() {
    for (Object v : HUGE) {
      Request r = withHuge(call("worker", "payments", "transfer", "acct/1"), v);
      String json = AuthZen.toJson(r);
      assertThat(json.length()).as("%s", v).isLessThan(2_000);
      if (((BigDecimal) v).scale() > Integer.MIN_VALUE + 1) { // 10 x 10^(2^31) has no JSON text Java reads back
        Request back = AuthZen.parseRequest(json);
        assertThat(((BigDecimal) back.args().get("amount")).compareTo((BigDecimal) v)).as(json).isZero();
        assertThat(((BigDecimal) back.resourceProperties().get("size")).compareTo((BigDecimal) v)).isZero();
        assertThat(((BigDecimal) back.context().get("score")).compareTo((BigDecimal) v)).isZero();
      }
    }
    Remit remit = Fixtures.remit(base().build(), clock(), true);
    remit.issue(rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").constraint("args.amount <= 500"));
    String json = "{\"subject\":{\"type\":\"agent\",\"id\":\"worker\"},\"action\":{\"name\":\"transfer\","
        + "\"properties\":{\"tool\":\"payments\",\"args\":{\"amount\":%s}}},"
        + "\"resource\":{\"type\":\"account\",\"id\":\"acct/1\"}}";
    assertThat(remit.authorize(AuthZen.parseRequest(String.format(json, "1e999999999"))).codes())
        .containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
    assertThat(remit.authorize(AuthZen.parseRequest(String.format(json, "-1E999999999"))).allowed()).isTrue();
    assertThat(remit.authorize(AuthZen.parseRequest(String.format(json, "1e-999999999"))).allowed()).isTrue();
    remit.close();
  }
}
