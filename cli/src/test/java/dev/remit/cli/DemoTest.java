package dev.remit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.Outcome;
import dev.remit.ReasonCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DemoTest {
  @Test
  void theDemoTellsTheWholeStoryAndEveryDecisionIsTheExpectedOne() {
    Cli r = Cli.run("demo");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains(
        "=> ALLOW", "NO_MATCHING_GRANT", "REFUSED: grant g-wide refused", "APPROVAL_REQUIRED",
        "APPROVAL_ACCEPTED", "APPROVAL_INVALID", "revoked (cascading): g-trip, g-research", "GRANT_REVOKED",
        "every decision came out as the scenario expects");
  }

  @Test
  void theDemoOutputIsTheSameOnEveryRun() {
    assertThat(Cli.run("demo").out()).isEqualTo(Cli.run("demo").out());
  }

  @Test
  void theDemoReturnsItsDecisionsForReuse() {
    Demo.Result result = Demo.run(new PrintWriter(new StringWriter()), UnaryOperator.identity());
    assertThat(result.surprises()).isEmpty();
    assertThat(result.decisions()).hasSize((int) Demo.steps().stream().filter(s -> s instanceof Demo.Call).count());
    assertThat(result.decisions().get(result.decisions().size() - 1).outcome()).isEqualTo(Outcome.DENY);
    assertThat(result.decisions().get(result.decisions().size() - 1).has(ReasonCode.GRANT_REVOKED)).isTrue();
  }
}
