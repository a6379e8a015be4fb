package dev.remit.internal;

import java.util.ArrayList;
import java.util.List;

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
  private final String[] segments;
  private final boolean[] globstar;
  private final boolean[] hasStar;

  private Glob(String source) {
    this.source = source;
    this.literal = source.indexOf('*') < 0;
    this.anything = source.equals("**");
    List<String> segs = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= source.length(); i++) {
      if (i == source.length() || source.charAt(i) == '/') {
        segs.add(source.substring(start, i));
        start = i + 1;
      }
    }
    // "s3://bucket/k" splits into "s3:", "", "bucket", "k": the empty segment of a scheme
    // prefix matches only itself (or a '**'), like every other segment
    this.segments = segs.toArray(new String[0]);
    this.globstar = new boolean[segments.length];
    this.hasStar = new boolean[segments.length];
    for (int i = 0; i < segments.length; i++) {
      globstar[i] = segments[i].equals("**");
      hasStar[i] = segments[i].indexOf('*') >= 0;
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
    int k = segments.length;
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
      } else if (pi < k && segmentMatches(segments[pi], hasStar[pi], name, si, end)) {
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

  /** Matches one pattern segment (no '/', may hold '*') against name[from, to). */
  private static boolean segmentMatches(String p, boolean star, String s, int from, int to) {
    if (!star) {
      return p.length() == to - from && s.regionMatches(from, p, 0, p.length());
    }
    int pi = 0;
    int si = from;
    int pLen = p.length();
    int starP = -1;
    int starS = -1;
    while (si < to) {
      if (pi < pLen && p.charAt(pi) == '*') {
        starP = pi++;
        starS = si;
      } else if (pi < pLen && p.charAt(pi) == s.charAt(si)) {
        pi++;
        si++;
      } else if (starP >= 0) {
        pi = starP + 1;
        si = ++starS;
      } else {
        return false;
      }
    }
    while (pi < pLen && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == pLen;
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
