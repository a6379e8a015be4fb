package dev.remit.internal.policy;

import dev.remit.Constraint;
import dev.remit.Constraint.Operator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import dev.remit.internal.engine.Call;
import dev.remit.internal.Text;

/** A compiled {@link Constraint}, evaluated against a call without allocating on success. */
public final class Condition {
  public static final int TRUE = 0;
  public static final int FALSE = 1;
  public static final int MISSING = 2;
  public static final int TYPE_MISMATCH = 3;
  /** The value is a string that is not a valid name, so a pattern cannot judge it. */
  public static final int INVALID_NAME = 4;

  private final Constraint source;
  private final Attr attr;
  private final Operator op;
  private final double number;
  private final Object single;
  private final Set<String> strings;
  private final double[] numbers;
  private final Set<Boolean> booleans;
  private final Glob glob;

  public Condition(Constraint c) {
    this.source = c;
    this.attr = Attr.compile(c.attribute());
    this.op = c.operator();
    this.single = c.values().get(0);
    this.number = single instanceof Double ? (Double) single : Double.NaN;
    Set<String> s = new HashSet<>();
    Set<Boolean> b = new HashSet<>();
    List<Double> n = new java.util.ArrayList<>();
    for (Object v : c.values()) {
      if (v instanceof String) {
        s.add((String) v);
      } else if (v instanceof Double) {
        n.add((Double) v);
      } else {
        b.add((Boolean) v);
      }
    }
    this.strings = Set.copyOf(s);
    this.booleans = Set.copyOf(b);
    this.numbers = n.stream().mapToDouble(Double::doubleValue).toArray();
    this.glob = op == Operator.MATCHES ? Glob.compile((String) single) : null;
  }

  public Constraint source() {
    return source;
  }

  public Attr attr() {
    return attr;
  }

  /** Returns {@link #TRUE}, {@link #FALSE}, {@link #MISSING}, {@link #TYPE_MISMATCH} or {@link #INVALID_NAME}. */
  public int evaluate(Call call) {
    Object v = attr.resolve(call);
    if (v == Attr.MISSING) {
      return MISSING;
    }
    if (v == Attr.NOT_AN_OBJECT) {
      return TYPE_MISMATCH; // something is there, but not the object the path needs
    }
    return test(v);
  }

  /** Returns the result for a resolved value. */
  public int test(Object v) {
    switch (op) {
      case EQ:
      case NE: {
        int eq = equalsLiteral(v, single);
        if (eq == TYPE_MISMATCH) {
          return TYPE_MISMATCH;
        }
        boolean same = eq == TRUE;
        return (op == Operator.EQ) == same ? TRUE : FALSE;
      }
      case LT:
      case LE:
      case GT:
      case GE: {
        if (!(v instanceof Number)) {
          return TYPE_MISMATCH;
        }
        int c = compare((Number) v, number);
        if (c == NOT_COMPARABLE) {
          return TYPE_MISMATCH;
        }
        boolean r;
        switch (op) {
          case LT: r = c < 0; break;
          case LE: r = c <= 0; break;
          case GT: r = c > 0; break;
          default: r = c >= 0; break;
        }
        return r ? TRUE : FALSE;
      }
      case IN:
      case NOT_IN: {
        int in = memberOf(v);
        if (in == TYPE_MISMATCH) {
          return TYPE_MISMATCH;
        }
        return (op == Operator.IN) == (in == TRUE) ? TRUE : FALSE;
      }
      case MATCHES: {
        if (!(v instanceof String)) {
          return TYPE_MISMATCH;
        }
        String s = (String) v;
        if (Text.checkName(s) != null) {
          return INVALID_NAME;
        }
        return glob.matches(s) ? TRUE : FALSE;
      }
      default:
        return FALSE;
    }
  }

  private static final int NOT_COMPARABLE = Integer.MIN_VALUE;
  /** Integers up to 2^53 in magnitude convert to double without rounding. */
  private static final long EXACT_DOUBLE = 1L << 53;

  /**
   * Compares a number with a literal: -1, 0, 1, or {@link #NOT_COMPARABLE} for NaN and the
   * infinities (of any type, a Double, a Float or a host's own Number): -Infinity would pass every
   * upper bound and +Infinity every lower one, although no amount, score or count is infinite. Longs
   * and big numbers are compared exactly (through double, 2^53 + 1 would equal 2^53 and
   * 500.0000000000000001 would equal 500); the literal means its decimal text. A BigDecimal of any
   * exponent (1e999999999) compares in time bounded by its digits: compareTo looks at the
   * exponents first and never expands the number.
   */
  private static int compare(Number v, double literal) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      long l = v.longValue();
      if (l <= EXACT_DOUBLE && l >= -EXACT_DOUBLE) {
        // exactly representable: comparing doubles is exact, and allocates nothing
        double d = l;
        return d < literal ? -1 : d > literal ? 1 : 0;
      }
    }
    if (v instanceof java.math.BigDecimal || v instanceof java.math.BigInteger || v instanceof Long) {
      java.math.BigDecimal b = v instanceof java.math.BigDecimal ? (java.math.BigDecimal) v
          : v instanceof Long ? java.math.BigDecimal.valueOf(v.longValue())
          : new java.math.BigDecimal((java.math.BigInteger) v);
      return Integer.signum(b.compareTo(java.math.BigDecimal.valueOf(literal)));
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      return NOT_COMPARABLE;
    }
    return d < literal ? -1 : d > literal ? 1 : 0;
  }

  private static int equalsLiteral(Object v, Object lit) {
    if (lit instanceof Double) {
      if (!(v instanceof Number)) {
        return TYPE_MISMATCH;
      }
      int c = compare((Number) v, (Double) lit);
      // NaN and the infinities are not comparable, so neither == nor != can judge them
      return c == NOT_COMPARABLE ? TYPE_MISMATCH : c == 0 ? TRUE : FALSE;
    }
    if (lit instanceof Boolean) {
      if (!(v instanceof Boolean)) {
        return TYPE_MISMATCH;
      }
      return v.equals(lit) ? TRUE : FALSE;
    }
    if (!(v instanceof String)) {
      return TYPE_MISMATCH;
    }
    return v.equals(lit) ? TRUE : FALSE;
  }

  private int memberOf(Object v) {
    if (v instanceof String) {
      return strings.isEmpty() ? TYPE_MISMATCH : (strings.contains(v) ? TRUE : FALSE);
    }
    if (v instanceof Number) {
      if (numbers.length == 0) {
        return TYPE_MISMATCH;
      }
      for (double n : numbers) {
        int c = compare((Number) v, n);
        if (c == NOT_COMPARABLE) {
          return TYPE_MISMATCH; // NaN or an infinity is no more "not in" a list than in it
        }
        if (c == 0) {
          return TRUE;
        }
      }
      return FALSE;
    }
    if (v instanceof Boolean) {
      return booleans.isEmpty() ? TYPE_MISMATCH : (booleans.contains(v) ? TRUE : FALSE);
    }
    return TYPE_MISMATCH;
  }

  /** Returns a bit set of the literal types in {@code values}: 1 string, 2 number, 4 boolean. */
  private static int kinds(List<Object> values) {
    int k = 0;
    for (Object v : values) {
      k |= v instanceof String ? 1 : v instanceof Double ? 2 : 4;
    }
    return k;
  }

  /**
   * Returns whether this condition (a child's) is at least as strict as {@code parent}: every value
   * that satisfies this one satisfies the parent. Sound, not complete.
   */
  public boolean implies(Condition parent) {
    if (!attr.path().equals(parent.attr.path())) {
      return false;
    }
    if (source.equals(parent.source)) {
      return true;
    }
    Operator p = parent.op;
    // the set of values this condition admits, when it is a finite set
    List<Object> finite = op == Operator.EQ ? List.of(single)
        : op == Operator.IN ? source.values() : null;
    if (finite != null) {
      for (Object v : finite) {
        if (parent.test(v) != TRUE) {
          return false;
        }
      }
      return true;
    }
    switch (p) {
      case LE:
        return (op == Operator.LE && number <= parent.number) || (op == Operator.LT && number <= parent.number);
      case LT:
        return (op == Operator.LT && number <= parent.number) || (op == Operator.LE && number < parent.number);
      case GE:
        return (op == Operator.GE && number >= parent.number) || (op == Operator.GT && number >= parent.number);
      case GT:
        return (op == Operator.GT && number >= parent.number) || (op == Operator.GE && number > parent.number);
      case NE:
        // a child "not in [..]" that excludes the parent's value is stricter, provided it admits
        // no value of another type: "x not in [1, a]" passes "b", which "x != 1" calls a mismatch
        return op == Operator.NOT_IN && source.values().contains(parent.single)
            && (kinds(source.values()) & ~kinds(List.of(parent.single))) == 0;
      case NOT_IN:
        return op == Operator.NOT_IN && source.values().containsAll(parent.source.values())
                && (kinds(source.values()) & ~kinds(parent.source.values())) == 0
            || op == Operator.NE && parent.source.values().size() == 1
                && parent.source.values().get(0).equals(single);
      case MATCHES:
        return op == Operator.MATCHES && Glob.subsumes((String) parent.single, (String) single);
      default:
        return false;
    }
  }
}
