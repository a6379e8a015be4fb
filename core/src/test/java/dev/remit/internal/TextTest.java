package dev.remit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Naming rules: what is accepted, and the sentence for what is not. */
class TextTest {

  @Test
  void identifiersAreAsciiWordsWithAFewPunctuationMarks() {
    assertThat(Text.checkId("alice@example.com")).isNull();
    assertThat(Text.checkId("bot.connector")).isNull();
    assertThat(Text.checkId("task:2026-q1+x_y")).isNull();
    assertThat(Text.checkId("")).isEqualTo("is empty");
    assertThat(Text.checkId(null)).isEqualTo("is empty");
    assertThat(Text.checkId("-x")).isEqualTo("must start with a letter or digit");
    assertThat(Text.checkId("a/b")).isEqualTo("contains the character '/' (U+002F) at index 1");
    assertThat(Text.checkId("a".repeat(257))).isEqualTo("is longer than 256 characters");
    assertThat(Text.checkId("\u0430lice")).isEqualTo("must start with a letter or digit");
    assertThat(Text.checkId("al\u0456ce")).isEqualTo("contains a non-ASCII character (U+0456) at index 2");
  }

  @Test
  void namesArePathsWithoutDotEmptyOrEncodedSegments() {
    assertThat(Text.checkName("prod/db/users")).isNull();
    assertThat(Text.checkName("s3://bucket/key")).isNull();
    assertThat(Text.checkName("report%20final")).as("other encodings stay literal").isNull();
    assertThat(Text.checkName("a/...")).as("three dots are an ordinary segment").isNull();
    assertThat(Text.checkName("a%2")).isNull();
    assertThat(Text.checkName("a/*")).isEqualTo("contains '*', which only patterns may contain");
    assertThat(Text.checkName("a%2E")).startsWith("contains the percent-encoded character %2e");
    assertThat(Text.checkName("s3:///x")).isEqualTo("contains an empty segment '//'");
    assertThat(Text.checkName("s3://")).isEqualTo("ends with '/'");
    assertThat(Text.checkName("x".repeat(1025))).isEqualTo("is longer than 1024 characters");
    assertThat(Text.checkName("a\tb")).isEqualTo("contains a control character (U+0009) at index 1");
    assertThat(Text.checkName("a\uD83D\uDE00")).isEqualTo("contains a non-ASCII character (U+1F600) at index 1");
  }

  @Test
  void patternsMayHoldStarsButNotDotSegments() {
    assertThat(Text.checkPattern("a/**/b/*c*")).isNull();
    assertThat(Text.checkPattern("s3://bucket/**")).isNull();
    assertThat(Text.checkPattern("a/**b")).startsWith("uses '**' inside a segment");
    assertThat(Text.checkPattern("**/..")).isEqualTo("contains a '..' segment");
    assertThat(Text.checkPattern("*://x")).isEqualTo("contains an empty segment '//'");
  }

  @Test
  void schemePrefixesNeedALetterFirstAndTwoSlashes() {
    assertThat(Text.schemePrefixLength("s3://b")).isEqualTo(5);
    assertThat(Text.schemePrefixLength("git+ssh://h/x")).isEqualTo(10);
    assertThat(Text.schemePrefixLength("3s://b")).isZero();
    assertThat(Text.schemePrefixLength("s3:/b")).isZero();
    assertThat(Text.schemePrefixLength("s3://")).as("checkName then rejects the empty rest").isEqualTo(5);
  }

  @Test
  void suggestionsAreOfferedOnlyForCloseNames() {
    assertThat(Text.closest("paymnts", List.of("payments", "crm"))).isEqualTo("payments");
    assertThat(Text.closest("xyz", List.of("payments", "crm"))).isNull();
    assertThat(Text.closest("x", List.of())).isNull();
    assertThat(Text.distance("kitten", "sitting")).isEqualTo(3);
  }
}
