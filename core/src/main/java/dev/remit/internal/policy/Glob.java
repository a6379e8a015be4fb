package dev.remit.internal.policy;

import dev.remit.internal.Text;


/**
 * A compiled name pattern. {@code *} matches any run of characters other than {@code /} (within
 * one segment); {@code **}, which must be a whole segment, matches one or more whole segments;
 * every other character matches itself, case-sensitively. Patterns are checked with
 * {@link Text#checkPattern} and names with {@link Text#checkName} before they get here, so a name
 * never holds {@code .}/{@code ..} segments, empty segments or non-ASCII characters.
 *
 * <p>Matching is linear in the name for each pattern segment (greedy with backtracking to the last
 * wildcard only) and allocates nothing.
 */
public final class Glob {
  private final String source;
  private final boolean literal;
  private final boolean anything;
  /**
   * Segment {@code i} is {@code source[starts[i], starts[i + 1] - 1)}; offsets rather than
   * substrings keep a compiled pattern small (a million grants hold a million of them). Bit
   * {@code i} of {@code globstar} / {@code star} says segment i is {@code **} / holds a {@code *};
   * null for a literal pattern, which is matched by equality.
   */
  private final int[] starts;
  private final boolean[] globstar;
  private final boolean[] star;

  private Glob(String source) {
    this.source = source;
    this.literal = source.indexOf('*') < 0;
    this.anything = source.equals("**");
    if (literal || anything) {
      starts = null;
      globstar = null;
      star = null;
      return;
    }
    // "s3://bucket/k" splits into "s3:", "", "bucket", "k": the empty segment of a scheme
    // prefix matches only itself (or a '**'), like every other segment
    int k = 1;
    for (int i = 0; i < source.length(); i++) {
      if (source.charAt(i) == '/') {
        k++;
      }
    }
    starts = new int[k + 1];
    globstar = new boolean[k];
    star = new boolean[k];
    int seg = 0;
    for (int i = 0; i <= source.length(); i++) {
      if (i == source.length() || source.charAt(i) == '/') {
        starts[seg + 1] = i + 1;
        int from = starts[seg];
        globstar[seg] = i - from == 2 && source.charAt(from) == '*' && source.charAt(from + 1) == '*';
        star[seg] = source.substring(from, i).indexOf('*') >= 0;
        seg++;
      }
    }
  }

  /** Returns the compiled form of a pattern that {@link Text#checkPattern} accepted. */
  public static Glob compile(String pattern) {
    String bad = Text.checkPattern(pattern);
    if (bad != null) {
      throw new IllegalArgumentException("pattern '" + pattern + "' " + bad);
    }
    return new Glob(pattern);
  }

  /** Returns the pattern text. */
  public String source() {
    return source;
  }

  /** Returns whether the pattern has no wildcard. */
  public boolean isLiteral() {
    return literal;
  }

  /** Returns whether {@code name} (a valid name) matches. */
  public boolean matches(String name) {
    if (literal) {
      return source.equals(name);
    }
    if (anything) {
      return true;
    }
    int n = name.length();
    int k = globstar.length;
    int pi = 0;
    int si = 0;
    int starPi = -1;
    int starSi = -1;
    while (si <= n) {
      int end = segmentEnd(name, si);
      if (pi < k && globstar[pi]) {
        starPi = pi;
        pi++;
        si = end + 1;
        starSi = si;
      } else if (pi < k && segmentMatches(pi, name, si, end)) {
        pi++;
        si = end + 1;
      } else if (starPi >= 0 && starSi <= n) {
        pi = starPi + 1;
        si = segmentEnd(name, starSi) + 1;
        starSi = si;
      } else {
        return false;
      }
    }
    return pi == k;
  }

  private static int segmentEnd(String s, int from) {
    int i = s.indexOf('/', from);
    return i < 0 ? s.length() : i;
  }

  /** Matches pattern segment {@code seg} (no '/', may hold '*') against name[from, to). */
  private boolean segmentMatches(int seg, String s, int from, int to) {
    String p = source;
    int pStart = starts[seg];
    int pEnd = starts[seg + 1] - 1;
    if (!star[seg]) {
      int len = pEnd - pStart;
      return len == to - from && s.regionMatches(from, p, pStart, len);
    }
    int pi = pStart;
    int si = from;
    int starP = -1;
    int starS = -1;
    while (si < to) {
      if (pi < pEnd && p.charAt(pi) == '*') {
        starP = pi++;
        starS = si;
      } else if (pi < pEnd && p.charAt(pi) == s.charAt(si)) {
        pi++;
        si++;
      } else if (starP >= 0) {
        pi = starP + 1;
        si = ++starS;
      } else {
        return false;
      }
    }
    while (pi < pEnd && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == pEnd;
  }

  private static final int STAR = 1;
  private static final int GLOBSTAR = 2;

  /**
   * Returns whether every name {@code inner} matches is also matched by {@code outer}. Sound: when
   * it says true, the inclusion holds; it may say false for a few inclusions it cannot prove, and
   * then a delegation is refused rather than allowed to widen.
   */
  public static boolean subsumes(String outer, String inner) {
    if (outer.equals(inner) || outer.equals("**")) {
      return true;
    }
    int[] a = tokens(outer);
    int[] b = tokens(inner);
    Boolean[][] memo = new Boolean[a.length + 1][b.length + 1];
    return sub(a, 0, b, 0, memo);
  }

  private static boolean sub(int[] a, int i, int[] b, int j, Boolean[][] memo) {
    if (memo[i][j] != null) {
      return memo[i][j];
    }
    boolean r;
    if (i == a.length) {
      r = j == b.length;
    } else if (a[i] == -GLOBSTAR) {
      r = sub(a, i + 1, b, j, memo) || (j < b.length && sub(a, i, b, j + 1, memo));
    } else if (a[i] == -STAR) {
      r = sub(a, i + 1, b, j, memo)
          || (j < b.length && (b[j] == -STAR || (b[j] >= 0 && b[j] != '/')) && sub(a, i, b, j + 1, memo));
    } else {
      r = j < b.length && b[j] == a[i] && sub(a, i + 1, b, j + 1, memo);
    }
    memo[i][j] = r;
    return r;
  }

  /** Characters as themselves, '*' as -STAR, a '**' segment as -GLOBSTAR. */
  private static int[] tokens(String p) {
    int[] t = new int[p.length()];
    int n = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '*' && i + 1 < p.length() && p.charAt(i + 1) == '*') {
        t[n++] = -GLOBSTAR;
        i++;
      } else if (c == '*') {
        t[n++] = -STAR;
      } else {
        t[n++] = c;
      }
    }
    return java.util.Arrays.copyOf(t, n);
  }

  @Override
  public String toString() {
    return source;
  }
}
