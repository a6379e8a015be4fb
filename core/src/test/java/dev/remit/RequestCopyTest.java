package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.internal.Canonical;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Request deep copies: canonical text, host mutation, unreadable values and approval binding. */
class RequestCopyTest {
  private static final Rule MONEY = Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT).build();

  /** A list that throws whenever it is read. */
  private static final class Throwing extends AbstractList<Object> {
    @Override public Object get(int i) { throw new IllegalStateException("boom"); }
    @Override public int size() { throw new IllegalStateException("boom"); }
    @Override public java.util.Iterator<Object> iterator() { throw new IllegalStateException("boom"); }
  }

  private static Remit newRemit() {
    Remit r = remit(base().principal(new Principal("carol", Principal.Kind.HUMAN, List.of(), Set.of("finance")))
        .rule(MONEY).build(), clock());
    Fixtures.issue(r, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
    return r;
  }

  @Test
  void copiedNestedValuesHaveTheSameCanonicalTextAsTheOriginals() {
    Map<String, Object> inner = new TreeMap<>();
    inner.put("b", 2.50);
    inner.put("a", new BigDecimal("1.000"));
    List<Object> list = new ArrayList<>(Arrays.asList(1, null, "x\u00e9", inner, List.of(List.of(true))));
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("z", list);
    args.put("n", null);
    args.put("m", new HashMap<>(Map.of("k", Map.of("deep", 7L))));
    Request r = Request.of("worker", "payments", "transfer").resource("acct/1").build();
    Request copied = new Request(r.subject(), r.tool(), r.operation(), r.resource(), r.resourceType(),
        args, args, args);
    assertThat(Canonical.of(copied.args())).isEqualTo(Canonical.of(args));
    assertThat(Canonical.of(copied.resourceProperties())).isEqualTo(Canonical.of(args));
    assertThat(copied.args()).isEqualTo(args);
  }

  @Test
  void aHostChangingItsNestedMapAfterBuildDoesNotChangeTheRequest() {
    Map<String, Object> inner = new HashMap<>(Map.of("to", "alice"));
    Request r = Request.of("worker", "payments", "transfer").resource("acct/1").arg("meta", inner).build();
    String before = Canonical.of(r.args());
    inner.put("to", "mallory");
    assertThat(Canonical.of(r.args())).isEqualTo(before);
  }

  @Test
  void aNestedValueThatThrowsWhileCopiedDeniesWithEvaluationErrorWhenABindingReadsIt() {
    Remit remit = remit(base().principal(new Principal("carol", Principal.Kind.HUMAN, List.of(), Set.of("finance")))
        .rule(Rule.requireApproval("m", "finance").risk(RiskClass.MONEY_MOVEMENT).bind("args.meta.to").build())
        .build(), clock());
    Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**"));
    Map<String, Object> meta = new HashMap<>();
    meta.put("to", "x");
    meta.put("list", new Throwing());
    // args.meta.to is readable; args.meta itself is readable: binding resolves fine
    Request ok = Request.of("worker", "payments", "transfer").resource("acct/1").arg("meta", meta).build();
    assertThat(remit.authorize(ok).outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
    Approval a = remit.approve(ok, "carol", "finance", Duration.ofMinutes(5));
    Request bad = Request.of("worker", "payments", "transfer").resource("acct/1").arg("meta", new Throwing()).build();
    Decision d = remit.authorize(bad.withContext("approval", a.id())); // the binding reads args.meta.to
    assertThat(d.outcome()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).contains(ReasonCode.EVALUATION_ERROR);
  }

  @Test
  void aCycleBecomesUnreadableInsteadOfOverflowingTheStack() {
    Map<String, Object> cyc = new HashMap<>();
    cyc.put("self", cyc);
    Request r = Request.of("worker", "payments", "transfer").resource("acct/1").arg("c", cyc).build();
    assertThat(Canonical.of(r.args())).contains("unreadable");
    Remit remit = newRemit();
    Decision d = remit.authorize(r); // must not throw
    assertThat(d.outcome()).isNotEqualTo(Outcome.ALLOW);
  }

  @Test
  void anApprovalGivenForAPlainStringDoesNotCoverAnUnreadableArgumentWithTheSameText() {
    Remit remit = newRemit();
    Request unreadable = Request.of("worker", "payments", "transfer").resource("acct/1")
        .arg("amount", new Throwing()).build();
    Object marker = unreadable.args().get("amount");
    Request plain = Request.of("worker", "payments", "transfer").resource("acct/1")
        .arg("amount", marker.toString()).build();
    Approval a = remit.approve(plain, "carol", "finance", Duration.ofMinutes(5));
    Decision d = remit.authorize(unreadable.withContext("approval", a.id()));
    assertThat(d.outcome()).as(d.explain()).isNotEqualTo(Outcome.ALLOW);
  }

  @Test
  void anApprovalCannotBeBoundToAnUnreadableArgument() {
    Remit remit = newRemit();
    Request first = Request.of("worker", "payments", "transfer").resource("acct/1")
        .arg("amount", new Throwing()).build();
    Approval a;
    try {
      a = remit.approve(first, "carol", "finance", Duration.ofMinutes(5));
    } catch (RuntimeException refused) {
      return; // refusing to approve what cannot be read is defended
    }
    // a second call whose (different, unknown) value also threw must not be covered
    Request second = Request.of("worker", "payments", "transfer").resource("acct/1")
        .arg("amount", new Throwing()).build();
    Decision d = remit.authorize(second.withContext("approval", a.id()));
    assertThat(d.outcome()).as(d.explain()).isNotEqualTo(Outcome.ALLOW);
  }
}
