package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** NaN and the infinities never pass a numeric limit, of a grant, a scope or a rule. */
class NonFiniteNumbersTest {
  private static final List<Object> NON_FINITE = List.of(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
      Double.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN);

  /** A host's own Number type, printed as Java prints its double. */
  private static Number hostNumber(double value) {
    return new Number() {
      @Override
      public int intValue() {
        return (int) value;
      }

      @Override
      public long longValue() {
        return (long) value;
      }

      @Override
      public float floatValue() {
        return (float) value;
      }

      @Override
      public double doubleValue() {
        return value;
      }

      @Override
      public String toString() {
        return Double.toString(value);
      }
    };
  }

  @Test
  void noGrantOrScopeLimitIsPassedByANonFiniteNumber() {
    for (boolean cached : new boolean[] {true, false}) {
      Remit r = Fixtures.remit(base().build(), clock(), cached);
      r.issue(rootGrant("upper", "worker").allow("payments", ALL_OPS, "acct/**").constraint("args.amount <= 500"));
      r.issue(rootGrant("lower", "helper").scope(Scope.of("payments", List.of("transfer"), "acct/**")
          .withConstraints("args.amount >= 10", "args.code != 0", "args.tier not in [3, 4]")));
      for (int round = 0; round < 2; round++) {
        for (Object v : NON_FINITE) {
          Decision d = r.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", v).build());
          assertThat(d.codes()).as("%s: %s", v, d.explain()).containsExactly(ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
          for (String arg : List.of("amount", "code", "tier")) {
            Request.Builder b = call("helper", "payments", "transfer", "acct/1").arg("amount", 20).arg("code", 1)
                .arg("tier", 1).arg(arg, v);
            Decision s = r.authorize(b.build());
            assertThat(s.codes()).as("%s = %s: %s", arg, v, s.explain()).containsExactly(ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
          }
        }
        assertThat(r.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", -1e308).build())
            .allowed()).isTrue();
        assertThat(r.authorize(call("helper", "payments", "transfer", "acct/1").arg("amount", 20).arg("code", 1)
            .arg("tier", 1).build()).allowed()).isTrue();
      }
      r.close();
    }
  }

  @Test
  void aHostNumberWhoseTextIsNotADecimalIsDigestedAndWrittenAsItsDouble() {
    for (double x : new double[] {Double.NEGATIVE_INFINITY, Double.NaN, 2.5}) {
      Number host = hostNumber(x);
      assertThat(dev.remit.internal.Canonical.of(host)).isEqualTo(dev.remit.internal.Canonical.of(x));
      Request r = call("worker", "payments", "transfer", "acct/1").arg("amount", host).build();
      assertThat(AuthZen.toJson(r)).contains(x == 2.5 ? "\"amount\":2.5" : "\"amount\":\"" + x + "\"");
    }
  }

  @Test
  void aNonFiniteNumberNeverSkipsARule() {
    Policy p = base()
        .rule(Rule.forbid("huge").tool("payments").when("args.amount > 1000000").onMissing(Rule.OnMissing.NOT_APPLICABLE).build())
        .rule(Rule.requireApproval("large", "finance").tool("payments").when("args.amount >= 200")
            .onMissing(Rule.OnMissing.NOT_APPLICABLE).build())
        .rule(Rule.forbid("not-test-accounts").tool("crm").when("args.account not in [1, 2]")
            .onMissing(Rule.OnMissing.NOT_APPLICABLE).build())
        .build();
    Remit r = Fixtures.remit(p, clock(), true);
    r.issue(rootGrant("all", "worker").allow("**", ALL_OPS, "**"));
    for (Object v : NON_FINITE) {
      Decision pay = r.authorize(call("worker", "payments", "transfer", "acct/1").arg("amount", v).build());
      assertThat(pay.outcome()).as("%s: %s", v, pay.explain()).isEqualTo(Outcome.DENY);
      assertThat(pay.codes()).containsOnly(ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
      Decision crm = r.authorize(call("worker", "crm", "read", "c/1").arg("account", v).build());
      assertThat(crm.codes()).as("%s: %s", v, crm.explain()).containsExactly(ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
    }
    r.close();
  }
}
