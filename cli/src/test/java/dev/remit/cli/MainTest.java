package dev.remit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void helpListsTheCommandsAndExitsZero() {
    Cli r = Cli.run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: remit", "check", "test", "demo", "audit");
  }

  @Test
  void noCommandIsBadUsage() {
    Cli r = Cli.run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("missing command (check, test, demo or audit)", "remit --help");
  }

  @Test
  void anUnknownCommandIsBadUsage() {
    Cli r = Cli.run("chek");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("chek");
  }

  @Test
  void eachCommandHasHelp() {
    for (String c : new String[] {"check", "test", "demo", "audit", "audit verify", "audit trace"}) {
      String[] words = c.split(" ");
      String[] args = java.util.Arrays.copyOf(words, words.length + 1);
      args[words.length] = "--help";
      Cli r = Cli.run(args);
      assertThat(r.exit()).isZero();
      assertThat(r.out()).contains("Usage: remit " + c);
    }
  }

  @Test
  void auditAloneIsBadUsageAndShowsItsSubcommands() {
    Cli r = Cli.run("audit");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("remit audit verify", "remit audit trace");
  }
}
