package dev.remit.internal;

/**
 * Rules for the names Remit matches: identifiers, tool names, resource ids and patterns.
 *
 * <p>Names are printable ASCII. Anything else (non-ASCII letters that look like ASCII ones,
 * zero-width or bidirectional control characters, whitespace, control characters) is rejected,
 * never normalised: normalising would make two names equal for Remit that the tool behind it
 * treats as different. Path-like names may not contain {@code .} or {@code ..} segments, empty
 * segments, backslashes, percent-encoded dots, slashes, backslashes or percent signs, or
 * percent-encodings of characters that need none (letters, digits, {@code - _ ~}), so that no
 * second spelling of a name can reach outside what a pattern names. Each check returns null when the
 * name is acceptable and otherwise a sentence saying what is wrong; none of them allocates on
 * success.
 */
public final class Text {
  public static final int MAX_ID = 256;
  public static final int MAX_NAME = 1024;

  private Text() {}

  /** Returns why {@code s} is not an identifier (agents, principals, grants, operations), or null. */
  public static String checkId(String s) {
    if (s == null || s.isEmpty()) {
      return "is empty";
    }
    if (s.length() > MAX_ID) {
      return "is longer than " + MAX_ID + " characters";
    }
    char c0 = s.charAt(0);
    if (!isAlnum(c0)) {
      return "must start with a letter or digit";
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(isAlnum(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == ':' || c == '+')) {
        return describeBad(s, i);
      }
    }
    return null;
  }

  /** Returns why {@code s} is not a tool name or resource id, or null if it is acceptable. */
  public static String checkName(String s) {
    return checkPath(s, false);
  }

  /** Returns why {@code s} is not a pattern for tool names or resource ids, or null. */
  public static String checkPattern(String s) {
    return checkPath(s, true);
  }

  private static String checkPath(String s, boolean pattern) {
    if (s == null || s.isEmpty()) {
      return "is empty";
    }
    if (s.length() > MAX_NAME) {
      return "is longer than " + MAX_NAME + " characters";
    }
    int start = schemePrefixLength(s);
    int segStart = start;
    for (int i = start; i <= s.length(); i++) {
      if (i == s.length() || s.charAt(i) == '/') {
        String bad = checkSegment(s, segStart, i, pattern);
        if (bad != null) {
          return bad;
        }
        segStart = i + 1;
        continue;
      }
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '\\') {
        return describeBad(s, i);
      }
      if (c == '*' && !pattern) {
        return "contains '*', which only patterns may contain";
      }
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          char decoded = (char) (hi * 16 + lo);
          String enc = s.substring(i + 1, i + 3).toLowerCase(java.util.Locale.ROOT);
          if (decoded == '.' || decoded == '/' || decoded == '\\' || decoded == '%' || decoded == 0) {
            return "contains the percent-encoded character %" + enc
                + " (encoded dots, slashes, backslashes and percent signs are rejected)";
          }
          if (isAlnum(decoded) || decoded == '-' || decoded == '_' || decoded == '~') {
            return "contains %" + enc + ", a percent-encoded '" + decoded
                + "' (characters that need no encoding must not be encoded: it would be a second"
                + " spelling of the same name)";
          }
        }
      }
    }
    return null;
  }

  private static String checkSegment(String s, int from, int to, boolean pattern) {
    int len = to - from;
    if (len == 0) {
      return from == 0 ? "starts with '/'" : (to == s.length() ? "ends with '/'" : "contains an empty segment '//'");
    }
    if (len == 1 && s.charAt(from) == '.') {
      return "contains a '.' segment";
    }
    if (len == 2 && s.charAt(from) == '.' && s.charAt(from + 1) == '.') {
      return "contains a '..' segment";
    }
    if (pattern) {
      boolean globstar = len == 2 && s.charAt(from) == '*' && s.charAt(from + 1) == '*';
      if (!globstar) {
        for (int i = from; i + 1 < to; i++) {
          if (s.charAt(i) == '*' && s.charAt(i + 1) == '*') {
            return "uses '**' inside a segment; '**' must stand alone between slashes";
          }
        }
      }
    }
    return null;
  }

  /** Returns the length of a leading URI scheme with authority ({@code s3://}), or 0. */
  public static int schemePrefixLength(String s) {
    int i = 0;
    int n = s.length();
    if (n == 0 || !isLetter(s.charAt(0))) {
      return 0;
    }
    while (i < n) {
      char c = s.charAt(i);
      if (isAlnum(c) || c == '+' || c == '-' || c == '.') {
        i++;
      } else {
        break;
      }
    }
    if (i + 2 < n && s.charAt(i) == ':' && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/') {
      return i + 3;
    }
    return 0;
  }

  private static String describeBad(String s, int i) {
    int cp = s.codePointAt(i);
    String what;
    if (cp > 0x7f) {
      what = Character.getType(cp) == Character.FORMAT
          ? "an invisible formatting character"
          : "a non-ASCII character";
    } else if (cp < 0x21 || cp == 0x7f) {
      what = cp == ' ' ? "a space" : "a control character";
    } else {
      what = "the character '" + (char) cp + "'";
    }
    return "contains " + what + String.format(" (U+%04X) at index %d", cp, i);
  }

  /** Returns {@code s} with characters outside printable ASCII escaped as a backslash-u escape of four hex digits, for messages. */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Returns {@code s} if it is a valid identifier, else throws an IllegalArgumentException naming
   * {@code what} and the problem (the value printed with non-printable characters escaped).
   */
  public static String requireId(String s, String what) {
    java.util.Objects.requireNonNull(s, what);
    String bad = checkId(s);
    if (bad != null) {
      throw new IllegalArgumentException(what + " '" + printable(s.length() > 80 ? s.substring(0, 80) + "..." : s)
          + "' " + bad);
    }
    return s;
  }

  public static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  public static boolean isAlnum(char c) {
    return isLetter(c) || (c >= '0' && c <= '9');
  }

  /**
   * Returns the edit distance of two short strings, counting a swap of two adjacent characters
   * as one edit (optimal string alignment), for "did you mean" suggestions.
   */
  public static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i][j - 1] + 1, d[i - 1][j] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /** Returns the candidate closest to {@code name} if it is close enough to be a likely typo. */
  public static String closest(String name, Iterable<String> candidates) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(name, c);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    if (best == null) {
      return null;
    }
    int allowed = Math.max(1, Math.min(3, name.length() / 3));
    return bestD <= allowed ? best : null;
  }
}
