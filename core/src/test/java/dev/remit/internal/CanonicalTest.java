package dev.remit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.internal.policy.Attr;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The canonical text of values: equal values alike, different values apart, numbers bounded. */
class CanonicalTest {
  /** What the text may add to a number's unscaled digits: sign, point, E, exponent sign and digits. */
  private static final int SLACK = Canonical.PLAIN_ZEROS + 16;

  @Test
  void aPathThroughANonObjectHasATextNoRealValueHas() {
    Object marker = Attr.NOT_AN_OBJECT;
    assertThat(Canonical.ofBound(marker)).isNotEqualTo(Canonical.ofBound(marker.toString()))
        .isNotEqualTo(Canonical.ofBound(Map.of())).isNotEqualTo("<missing>");
    assertThat(Canonical.of(marker)).isEqualTo(Canonical.ofBound(marker));
  }

  @Test
  void ordinaryNumbersKeepTheirPlainText() {
    Map<Object, String> expected = new java.util.LinkedHashMap<>();
    expected.put(250, "250");
    expected.put(250.0, "250");
    expected.put(new BigDecimal("250.000"), "250");
    expected.put(new BigDecimal("2.5E+2"), "250");
    expected.put(BigInteger.valueOf(250), "250");
    expected.put(250.0f, "250");
    expected.put(-0.0, "0");
    expected.put(new BigDecimal("0E-7"), "0");
    expected.put(0.1, "0.1");
    expected.put(new BigDecimal("-12.50"), "-12.5");
    expected.put(0.001, "0.001");
    expected.put(Long.MIN_VALUE, "-9223372036854775808");
    expected.put(1e20, "100000000000000000000");
    expected.put(new BigInteger("123456789012345678901234567890"), "123456789012345678901234567890");
    expected.put(new AtomicLong(42), "42");
    expected.put(Double.NaN, "NaN");
    expected.put(Float.NEGATIVE_INFINITY, "-Infinity");
    expected.forEach((v, text) -> assertThat(Canonical.of(v)).as("%s (%s)", v, v.getClass().getSimpleName())
        .isEqualTo(text));
  }

  @Test
  void hugeAndTinyExponentsAreWrittenInScientificNotationInBoundedTime() {
    Map<BigDecimal, String> expected = new java.util.LinkedHashMap<>();
    expected.put(new BigDecimal("1e999999999"), "1E+999999999");
    expected.put(new BigDecimal("-1e999999999"), "-1E+999999999");
    expected.put(new BigDecimal("1E-999999999"), "1E-999999999");
    expected.put(new BigDecimal("12.3400e-999999999"), "1.234E-999999998");
    expected.put(new BigDecimal("1e400"), "1E+400");
    expected.put(new BigDecimal(BigInteger.valueOf(100), Integer.MIN_VALUE), "1E+2147483650");
    expected.put(new BigDecimal(BigInteger.ONE, Integer.MAX_VALUE), "1E-2147483647");
    expected.put(new BigDecimal("1e33"), "1E+33");
    expected.put(new BigDecimal("1e32"), "1" + "0".repeat(32));
    expected.put(new BigDecimal("1e-33"), "0." + "0".repeat(32) + "1");
    expected.put(new BigDecimal("1e-34"), "1E-34");
    long start = System.nanoTime();
    expected.forEach((v, text) -> assertThat(Canonical.of(v)).as(v.toString()).isEqualTo(text));
    assertThat(System.nanoTime() - start).as("nothing is expanded").isLessThan(2_000_000_000L);
    assertThat(Canonical.of(1e300)).isEqualTo("1E+300");
    assertThat(Canonical.of(new BigInteger("1" + "0".repeat(400)))).isEqualTo("1E+400");
    assertThat(Canonical.of(Map.of("a", List.of(new BigDecimal("1e999999999"))))).isEqualTo("{\"a\":[1E+999999999]}");
  }

  @Provide
  static Arbitrary<BigDecimal> decimals() {
    Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(
        Arbitraries.bigIntegers().between(BigInteger.valueOf(-1_000_000), BigInteger.valueOf(1_000_000)),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(40).map(BigInteger::new),
        Arbitraries.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TEN, BigInteger.valueOf(250), BigInteger.valueOf(2500)));
    Arbitrary<Integer> scale = Arbitraries.oneOf(Arbitraries.integers().between(-40, 40),
        Arbitraries.integers().between(-1_000_000_000, 1_000_000_000),
        Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE - 1));
    return Combinators.combine(unscaled, scale).as(BigDecimal::new);
  }

  @Property(tries = 3000)
  void theTextIsBoundedAndReadsBackAsTheSameNumber(@ForAll("decimals") BigDecimal d) {
    String text = Canonical.of(d);
    assertThat(text.length()).as(text).isLessThanOrEqualTo(d.unscaledValue().abs().toString().length() + SLACK);
    BigDecimal back;
    try {
      back = new BigDecimal(text);
    } catch (NumberFormatException e) {
      // a BigDecimal's scale is an int, so 100 x 10^(2^31) has no text it reads back from
      long exp = Long.parseLong(text.substring(text.indexOf('E') + 1).replace("+", ""));
      assertThat(exp < Integer.MIN_VALUE + 1L || exp > Integer.MAX_VALUE).as(text).isTrue();
      return;
    }
    assertThat(back.compareTo(d)).as(text).isZero();
  }

  @Property(tries = 3000)
  void twoNumbersHaveTheSameTextExactlyWhenTheyAreEqual(@ForAll("decimals") BigDecimal a,
      @ForAll("decimals") BigDecimal b) {
    assertThat(Canonical.of(a).equals(Canonical.of(b))).as("%s vs %s", a, b).isEqualTo(a.compareTo(b) == 0);
  }

  @Property(tries = 3000)
  void everyJavaTypeOfTheSameNumberHasTheSameText(@ForAll("decimals") BigDecimal d,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 5) int extraZeros) {
    String text = Canonical.of(d);
    if (d.scale() <= Integer.MAX_VALUE - extraZeros) {
      BigDecimal padded = new BigDecimal(d.unscaledValue().multiply(BigInteger.TEN.pow(extraZeros)),
          d.scale() + extraZeros);
      assertThat(Canonical.of(padded)).as("%s written as %s", d, padded).isEqualTo(text);
    }
    double x = d.doubleValue();
    if (Double.isFinite(x) && BigDecimal.valueOf(x).compareTo(d) == 0) {
      assertThat(Canonical.of(x)).as("the double %s", x).isEqualTo(text);
    }
    if (d.signum() == 0 || (d.scale() <= 0 && d.precision() - (long) d.scale() <= 60)) {
      BigInteger i = d.toBigIntegerExact();
      assertThat(Canonical.of(i)).as("the BigInteger %s", i).isEqualTo(text);
      if (i.bitLength() < 64) {
        assertThat(Canonical.of(i.longValue())).as("the long %s", i).isEqualTo(text);
      }
    }
  }

  @Property(tries = 2000)
  void doublesKeepTheTextOfTheDecimalTheyStandFor(@ForAll double x) {
    if (Double.isFinite(x)) {
      assertThat(Canonical.of(x)).isEqualTo(Canonical.of(BigDecimal.valueOf(x)));
      assertThat(new BigDecimal(Canonical.of(x)).compareTo(BigDecimal.valueOf(x))).isZero();
    }
  }
}
