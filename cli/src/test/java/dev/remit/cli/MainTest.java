package dev.remit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void helpListsTheCommandsAndExitsZero() {
    Cli r = Cli.run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: remit", "check", "test", "demo");
  }

  @Test
  void noCommandIsBadUsage() {
    Cli r = Cli.run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("missing command", "remit --help");
  }

  @Test
  void anUnknownCommandIsBadUsage() {
    Cli r = Cli.run("chek");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("chek");
  }

  @Test
  void eachCommandHasHelp() {
    for (String c : new String[] {"check", "test", "demo"}) {
      Cli r = Cli.run(c, "--help");
      assertThat(r.exit()).isZero();
      assertThat(r.out()).contains("Usage: remit " + c);
    }
  }
}
