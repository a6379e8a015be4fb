package dev.remit.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Glob semantics: '*' within one segment, '**' one or more whole segments, all else literal. */
class GlobTest {

  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource({
      // literals, case-sensitive
      "payments, payments, true",
      "payments, Payments, false",
      "payments, payment, false",
      "acct/1, acct/1, true",
      "acct/1, acct/10, false",
      // '*' stays inside one segment and may match an empty run
      "acct/*, acct/1, true",
      "acct/*, acct/1/2, false",
      "acct/*, acct, false",
      "*, payments, true",
      "*, github/issues, false",
      "github/*, github/issues, true",
      "github/*, github/issues/comments, false",
      "a*, a, true",
      "a*, ab, true",
      "a*, ba, false",
      "*b*c, xbyc, true",
      "*b*c, xbycd, false",
      "contacts*, contacts-archive, true",
      "contacts*, contacts/1, false",
      "r*port*, report-2026, true",
      // '**' is one or more whole segments
      "**, a, true",
      "**, a/b/c, true",
      "a/**, a/b, true",
      "a/**, a/b/c, true",
      "a/**, a, false",
      "a/**, ab/c, false",
      "**/x, a/x, true",
      "**/x, a/b/x, true",
      "**/x, x, false",
      "**/x, a/x/y, false",
      "a/**/z, a/b/z, true",
      "a/**/z, a/b/c/z, true",
      "a/**/z, a/z, false",
      "**/a/b, x/a/a/b, true",
      "**/a/b, a/b/a/b, true",
      "**/a/**, x/a/y, true",
      "**/a/**, a/y, false",
      "a/**/b/**, a/x/b/y, true",
      "a/**/b/**, a/b/y, false",
      // other glob syntaxes are literal
      "acct/?, acct/1, false",
      "acct/?, acct/?, true",
      "acct/[12], acct/1, false",
      "acct/{1;2}, acct/1, false",
      // scheme prefixes
      "s3://bucket/**, s3://bucket/a/b, true",
      "s3://bucket/**, s3://bucket, false",
      "s3://bucket/**, s3://bucket2/a, false",
      "s3://bucket/**, gs://bucket/a, false",
      "s3://*/reports/**, s3://any/reports/q1, true",
      "s3://*/reports/**, s3://any/other/q1, false",
      "**, s3://bucket/a, true",
      "*/**, s3://bucket/a, true",
  })
  void matchesFollowsTheDocumentedSemantics(String pattern, String name, boolean expected) {
    assertThat(Glob.compile(pattern).matches(name)).isEqualTo(expected);
  }

  @Test
  void globstarMustBeAWholeSegment() {
    assertThatThrownBy(() -> Glob.compile("a/b**"))
        .hasMessage("pattern 'a/b**' uses '**' inside a segment; '**' must stand alone between slashes");
    assertThatThrownBy(() -> Glob.compile("***"))
        .hasMessageContaining("uses '**' inside a segment");
    assertThatThrownBy(() -> Glob.compile("a/../**")).hasMessage("pattern 'a/../**' contains a '..' segment");
  }

  @Test
  void aLiteralPatternIsMarkedLiteral() {
    assertThat(Glob.compile("acct/1").isLiteral()).isTrue();
    assertThat(Glob.compile("acct/*").isLiteral()).isFalse();
    assertThat(Glob.compile("acct/*").source()).isEqualTo("acct/*");
  }

  @ParameterizedTest(name = "{0} subsumes {1} -> {2}")
  @CsvSource({
      "**, anything/at/all, true",
      "**, **, true",
      "a/**, a/b, true",
      "a/**, a/*, true",
      "a/**, a/**, true",
      "a/**, a/b/**, true",
      "a/**, a, false",
      "a/**, **, false",
      "a/*, a/b, true",
      "a/*, a/b*, true",
      "a/*, a/**, false",
      "a/*, a/b/c, false",
      "*, **, false",
      "*, a*b, true",
      "a*, ab*, true",
      "ab*, a*, false",
      "a*, a/b, false",
      "**/x, a/x, true",
      "**/x, a/**/x, true",
      "**/x, x, false",
      "a/**/z, a/b/z, true",
      "a/**/z, a/z, false",
      "a/*/**, a/**, false",
      "a/**/b/**, a/b/**, false",
      "contacts/**, contacts*, false",
      "s3://bucket/**, s3://bucket/reports/**, true",
      "s3://bucket/**, s3://bucket, false",
      "s3://bucket/**, s3://*/x, false",
      "s3://*/**, s3://bucket/x, true",
      "acct/1, acct/1, true",
      "acct/1, acct/*, false",
  })
  void subsumesIsSoundOnKnownCases(String outer, String inner, boolean expected) {
    assertThat(Glob.subsumes(outer, inner)).isEqualTo(expected);
  }
}
