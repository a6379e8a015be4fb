package dev.remit.internal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical text of argument values, so that equal values written differently (250, 250.0,
 * {@code {b:1,a:2}} vs {@code {a:2,b:1}}) compare equal and different values never do.
 */
public final class Canonical {
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
      BigDecimal d;
      if (v instanceof Double || v instanceof Float) {
        double x = ((Number) v).doubleValue();
        if (Double.isNaN(x) || Double.isInfinite(x)) {
          b.append(x);
          return;
        }
        d = BigDecimal.valueOf(x);
      } else if (v instanceof BigDecimal) {
        d = (BigDecimal) v;
      } else {
        d = new BigDecimal(v.toString());
      }
      b.append(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
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
