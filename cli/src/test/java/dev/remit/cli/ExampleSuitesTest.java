package dev.remit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.Outcome;
import dev.remit.ReasonCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExampleSuitesTest {
  /**
   * Codes no request can provoke: EVALUATION_ERROR is what an unexpected exception inside the
   * engine turns into (fail closed). No input reaches it on purpose, so no suite can assert it;
   * core's own tests cover it. The STAGE_ codes need a decision stage, which a suite's policy
   * document cannot declare yet (the OPA adapter adds stages declared in documents); core's own
   * tests cover them.
   */
  static final Set<ReasonCode> UNREACHABLE_FROM_A_SUITE = EnumSet.of(ReasonCode.EVALUATION_ERROR,
      ReasonCode.STAGE_ALLOWED, ReasonCode.STAGE_DENIED, ReasonCode.STAGE_FAILED);

  static List<Path> exampleSuites() throws IOException {
    try (Stream<Path> s = Files.list(Cli.repo().resolve("examples/suites"))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void everyExampleSuitePasses() throws IOException {
    List<Path> files = exampleSuites();
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    StringWriter out = new StringWriter();
    SuiteRunner.Totals t = new SuiteRunner(new PrintWriter(out)).runAll(SuiteReader.readAll(files));
    assertThat(out.toString()).doesNotContain("FAIL");
    assertThat(t.failed()).isZero();
    assertThat(t.passed()).isGreaterThan(50);
  }

  @Test
  void theExampleSuitesTogetherAssertEveryReasonCodeAndEveryOutcome() throws IOException {
    Set<ReasonCode> codes = EnumSet.noneOf(ReasonCode.class);
    Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
    for (Suite s : SuiteReader.readAll(exampleSuites())) {
      codes.addAll(s.assertedCodes());
      outcomes.addAll(s.assertedOutcomes());
    }
    Set<ReasonCode> expected = EnumSet.allOf(ReasonCode.class);
    expected.removeAll(UNREACHABLE_FROM_A_SUITE);
    assertThat(codes).containsAll(expected);
    assertThat(outcomes).containsExactlyInAnyOrder(Outcome.values());
  }

  @Test
  void theExampleSuitesPassThroughTheCommandToo() throws IOException {
    String[] args = Stream.concat(Stream.of("test"), exampleSuites().stream().map(Path::toString))
        .toArray(String[]::new);
    Cli r = Cli.run(args);
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.lastLine()).matches("\\d+ passed, 0 failed");
  }
}
