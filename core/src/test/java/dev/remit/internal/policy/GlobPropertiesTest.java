package dev.remit.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import dev.remit.internal.Text;

/** Glob matching agrees with a regular-expression oracle, and subsumption is sound. */
class GlobPropertiesTest {

  @Provide
  static Arbitrary<String> patterns() {
    Arbitrary<String> seg = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just("**")),
        net.jqwik.api.Tuple.of(4, Arbitraries.strings().withChars('a', 'b', '*').ofMinLength(1).ofMaxLength(3)
            .filter(s -> !s.contains("**"))));
    Arbitrary<String> body = seg.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, body),
        net.jqwik.api.Tuple.of(1, body.map(b -> "s3://" + b)));
  }

  @Provide
  static Arbitrary<String> names() {
    Arbitrary<String> seg = Arbitraries.strings().withChars('a', 'b').ofMinLength(1).ofMaxLength(2);
    Arbitrary<String> body = seg.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("/", l));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, body),
        net.jqwik.api.Tuple.of(1, body.map(b -> "s3://" + b)));
  }

  /** The documented semantics as a regular expression. */
  static boolean oracle(String pattern, String name) {
    StringBuilder re = new StringBuilder();
    String[] segs = pattern.split("/", -1);
    for (int i = 0; i < segs.length; i++) {
      if (i > 0) {
        re.append('/');
      }
      if (segs[i].equals("**")) {
        re.append("[^/]*(?:/[^/]*)*");
      } else {
        for (char c : segs[i].toCharArray()) {
          re.append(c == '*' ? "[^/]*" : Pattern.quote(String.valueOf(c)));
        }
      }
    }
    return Pattern.matches(re.toString(), name);
  }

  /** Returns a name the pattern matches by construction. */
  static String instantiate(String pattern, Random rnd) {
    boolean scheme = pattern.startsWith("s3://");
    String body = scheme ? pattern.substring(5) : pattern;
    List<String> out = new ArrayList<>();
    for (String seg : body.split("/", -1)) {
      if (seg.equals("**")) {
        int n = 1 + rnd.nextInt(2);
        for (int i = 0; i < n; i++) {
          out.add(rnd.nextBoolean() ? "a" : "ba");
        }
      } else {
        StringBuilder b = new StringBuilder();
        for (char c : seg.toCharArray()) {
          if (c == '*') {
            int n = rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
              b.append(rnd.nextBoolean() ? 'a' : 'b');
            }
          } else {
            b.append(c);
          }
        }
        out.add(b.length() == 0 ? "b" : b.toString()); // names have no empty segments
      }
    }
    return (scheme ? "s3://" : "") + String.join("/", out);
  }

  /** Returns a pattern that is often, but not always, wider than {@code p}. */
  static String generalize(String p, Random rnd) {
    boolean scheme = p.startsWith("s3://");
    String[] segs = (scheme ? p.substring(5) : p).split("/", -1);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < segs.length; i++) {
      int r = rnd.nextInt(8);
      if (r == 0 && i > 0) {
        out.add("**");
        break;
      }
      out.add(r == 1 ? "*" : r == 2 ? "**" : r == 3 ? segs[i].replace("a", "*").replace("**", "*") : segs[i]);
    }
    return (scheme ? "s3://" : "") + String.join("/", out);
  }

  @Property(tries = 2000)
  void matchingAgreesWithTheRegexOracle(@ForAll("patterns") String pattern, @ForAll("names") String name) {
    assertThat(Text.checkPattern(pattern)).isNull();
    assertThat(Text.checkName(name)).isNull();
    assertThat(Glob.compile(pattern).matches(name)).as("%s ~ %s", pattern, name).isEqualTo(oracle(pattern, name));
  }

  @Property(tries = 2000)
  void aPatternMatchesTheNamesInstantiatedFromIt(@ForAll("patterns") String pattern, @ForAll long seed) {
    String name = instantiate(pattern, new Random(seed));
    assertThat(Glob.compile(pattern).matches(name)).as("%s ~ %s", pattern, name).isTrue();
  }

  @Property(tries = 3000)
  void subsumptionIsSound(@ForAll("patterns") String inner, @ForAll("patterns") String other,
      @ForAll long seed, @ForAll boolean mutate) {
    Random rnd = new Random(seed);
    String outer = mutate ? generalize(inner, rnd) : other;
    if (Text.checkPattern(outer) != null || !Glob.subsumes(outer, inner)) {
      return;
    }
    for (int i = 0; i < 5; i++) {
      String name = instantiate(inner, rnd);
      assertThat(Glob.compile(outer).matches(name))
          .as("subsumes(%s, %s) but %s matches only the inner one", outer, inner, name).isTrue();
    }
  }

  @Property(tries = 2000)
  void subsumptionIsSoundAgainstEveryName(@ForAll("patterns") String outer, @ForAll("patterns") String inner,
      @ForAll("names") String name) {
    if (Glob.subsumes(outer, inner) && Glob.compile(inner).matches(name)) {
      assertThat(Glob.compile(outer).matches(name)).as("%s ⊇ %s, name %s", outer, inner, name).isTrue();
    }
  }

  @Property(tries = 1000)
  void everyPatternSubsumesItselfAndIsSubsumedByGlobstar(@ForAll("patterns") String p) {
    assertThat(Glob.subsumes(p, p)).isTrue();
    assertThat(Glob.subsumes("**", p)).isTrue();
  }

  @Property(tries = 2000)
  void aPatternSubsumesEveryLiteralNameItMatches(@ForAll("patterns") String p, @ForAll("names") String name) {
    if (Glob.compile(p).matches(name)) {
      assertThat(Glob.subsumes(p, name)).as("%s matches %s", p, name).isTrue();
    }
  }
}
