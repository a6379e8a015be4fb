package dev.remit.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical text of argument values, so that equal values written differently (250, 250.0,
 * {@code {b:1,a:2}} vs {@code {a:2,b:1}}) compare equal and different values never do.
 *
 * <p>A number's text depends only on its value, whatever its Java type (Integer, Long, BigInteger,
 * BigDecimal, Double, Float): its decimal digits without trailing zeros, in plain notation
 * ({@code 250}, {@code -0.001}, {@code 12.5}) while that takes at most {@value #PLAIN_ZEROS} zeros
 * besides the digits, else in scientific notation ({@code 1E+400}, {@code -1.5E-999999999}). So the
 * text is never longer than the number's digits plus a few characters: a JSON number of eleven
 * characters ({@code 1e999999999}) must not become a billion zeros in the audit writer or in an
 * approval binding. The two notations cannot meet (only the scientific one has an {@code E}), and
 * each is read back by {@code new BigDecimal(text)} as the same value. NaN and the infinities of a
 * Double or Float are written as Java prints them.
 */
public final class Canonical {
  /** The most zeros a number's plain text may add to its digits; beyond, it is written with E. */
  public static final int PLAIN_ZEROS = 32;

  /** Integers of at most this magnitude are exact as doubles. */
  private static final double EXACT_DOUBLE = 1L << 53;

  private Canonical() {}

  /** Returns the canonical text of a JSON-like value. */
  public static String of(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v, false);
    return b.toString();
  }

  /**
   * Returns the canonical text of a value an approval is bound to; throws where the value holds an
   * {@link Unreadable} marker. Its text would be that of a plain string (so an approval given for
   * the string would cover the unreadable value), and two values that each threw while copied
   * would have the same text although nobody knows what they held: such a value binds nothing.
   */
  public static String ofBound(Object v) {
    StringBuilder b = new StringBuilder();
    write(b, v, true);
    return b.toString();
  }

  /** Appends the canonical text of a number; see the class comment. */
  static void number(StringBuilder b, Number v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      b.append(v.longValue()); // at most 18 trailing zeros: always plain, as the general case writes it
      return;
    }
    BigDecimal d;
    if (v instanceof BigDecimal) {
      d = (BigDecimal) v;
    } else if (v instanceof BigInteger) {
      d = new BigDecimal((BigInteger) v);
    } else if (v instanceof Double || v instanceof Float) {
      d = ofDouble(b, v.doubleValue());
      if (d == null) {
        return;
      }
    } else {
      // a host's own Number (AtomicLong, ...): its decimal text if it has one, else its double
      try {
        d = new BigDecimal(v.toString());
      } catch (NumberFormatException e) {
        d = ofDouble(b, v.doubleValue());
        if (d == null) {
          return;
        }
      }
    }
    decimal(b, d);
  }

  /** Returns the decimal a double stands for (its shortest text), or null once a short form is appended. */
  private static BigDecimal ofDouble(StringBuilder b, double x) {
    if (!Double.isFinite(x)) {
      b.append(x);
      return null;
    }
    if (x == Math.rint(x) && Math.abs(x) <= EXACT_DOUBLE) {
      b.append((long) x); // 250.0 and -0.0 as 250 and 0, like the integers they equal
      return null;
    }
    return BigDecimal.valueOf(x);
  }

  /**
   * Appends a decimal's digits and exponent without ever expanding it: the work and the text are
   * bounded by its unscaled digits, whatever its scale (stripTrailingZeros would fail on a scale
   * near the int limits, and toPlainString writes as many zeros as the exponent says).
   */
  private static void decimal(StringBuilder b, BigDecimal d) {
    if (d.signum() == 0) {
      b.append('0');
      return;
    }
    String u = d.unscaledValue().abs().toString();
    int k = u.length();
    while (u.charAt(k - 1) == '0') {
      k--;
    }
    // the value is 0.u[0..k) times 10^(exp + 1): exp is the power of ten of the first digit
    long exp = (long) u.length() - 1 - d.scale();
    if (d.signum() < 0) {
      b.append('-');
    }
    long zeros = exp < 0 ? -exp - 1 : Math.max(0, exp - (k - 1));
    if (zeros > PLAIN_ZEROS) {
      b.append(u.charAt(0));
      if (k > 1) {
        b.append('.').append(u, 1, k);
      }
      b.append('E').append(exp > 0 ? "+" : "").append(exp);
    } else if (exp < 0) {
      b.append("0.");
      repeat(b, '0', zeros);
      b.append(u, 0, k);
    } else if (exp >= k - 1) {
      b.append(u, 0, k);
      repeat(b, '0', zeros);
    } else {
      b.append(u, 0, (int) exp + 1).append('.').append(u, (int) exp + 1, k);
    }
  }

  private static void repeat(StringBuilder b, char c, long n) {
    for (long i = 0; i < n; i++) {
      b.append(c);
    }
  }

  private static void write(StringBuilder b, Object v, boolean strict) {
    if (strict && v instanceof Unreadable) {
      throw ((Unreadable) v).failure();
    }
    if (v == null) {
      b.append("null");
    } else if (v instanceof String) {
      String s = (String) v;
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          b.append('\\').append(c);
        } else if (c < 0x20 || c > 0x7e) {
          b.append(String.format("\\u%04x", (int) c));
        } else {
          b.append(c);
        }
      }
      b.append('"');
    } else if (v instanceof Number) {
      number(b, (Number) v);
    } else if (v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Map) {
      Map<String, Object> sorted = new TreeMap<>();
      ((Map<?, ?>) v).forEach((k, val) -> sorted.put(String.valueOf(k), val));
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        write(b, e.getKey(), strict);
        b.append(':');
        write(b, e.getValue(), strict);
      }
      b.append('}');
    } else if (v instanceof List) {
      b.append('[');
      boolean first = true;
      for (Object o : (List<?>) v) {
        if (!first) {
          b.append(',');
        }
        first = false;
        write(b, o, strict);
      }
      b.append(']');
    } else if (v == dev.remit.internal.policy.Attr.NOT_AN_OBJECT) {
      // not quoted: no value's canonical text starts with '<', so it cannot pass for a string
      b.append(v);
    } else {
      write(b, v.toString(), strict);
    }
  }
}
