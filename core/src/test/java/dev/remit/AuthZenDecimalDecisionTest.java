package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.internal.Canonical;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** JSON decimals decide exactly at a limit, on both the cached and the uncached path. */
class AuthZenDecimalDecisionTest {
  private static Request parse(String amount) {
    return AuthZen.parseRequest("{\"subject\":{\"type\":\"agent\",\"id\":\"worker\"},\"action\":{\"name\":\"transfer\","
        + "\"properties\":{\"tool\":\"payments\",\"args\":{\"amount\":" + amount + "}}},"
        + "\"resource\":{\"type\":\"account\",\"id\":\"acct/1\"}}");
  }

  @Test
  void aDecimalJustAboveALimitIsDeniedAndOneAtItIsAllowedWithAndWithoutTheCache() {
    for (boolean cached : new boolean[] {true, false}) {
      Remit remit = remit(base().build(), clock(), cached);
      Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**").constraint("args.amount <= 500"));
      for (int round = 0; round < 2; round++) { // the second round is served from the cache when there is one
        assertThat(remit.authorize(parse("500.0")).outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(remit.authorize(parse("500")).outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(remit.authorize(parse("500.0000000000000001")).outcome()).isNotEqualTo(Outcome.ALLOW);
        assertThat(remit.authorize(parse("500000000000000000001e-18")).outcome()).isNotEqualTo(Outcome.ALLOW);
        assertThat(remit.authorize(parse("499.99999999999999999")).outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(remit.authorize(parse("1e400")).outcome()).isNotEqualTo(Outcome.ALLOW);
        assertThat(remit.authorize(parse("-1e400")).outcome()).isEqualTo(Outcome.ALLOW);
      }
      remit.close();
    }
  }

  @Test
  void parsedNumbersKeepTheCanonicalTextOfTheirJsonDecimal() {
    for (String s : new String[] {"0.1", "12.5", "1e-400", "4.9e-324", "9007199254740993", "12345678901234567890",
        "-0.0", "1E+2", "0.30000000000000004", "500.0000000000000001"}) {
      Object v = parse(s).args().get("amount");
      assertThat(Canonical.of(v)).as(s).isEqualTo(Canonical.of(new BigDecimal(s)));
    }
    assertThat(parse("1e-400").args().get("amount")).as("must not round to zero").isInstanceOf(BigDecimal.class);
  }
}
