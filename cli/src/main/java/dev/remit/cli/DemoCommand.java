package dev.remit.cli;

import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code remit demo}: runs the bundled agent-session scenario ({@link Demo}). */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a bundled agent session: delegation, out-of-scope denial, refused widening, "
        + "approval, replay, revocation. Needs no files; the clock is fixed so output is reproducible.",
    footer = {"", "Exit status: 0 when every decision is the one the scenario expects, 1 otherwise."})
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Demo.Result r = Demo.run(spec.commandLine().getOut(), UnaryOperator.identity());
    return r.surprises().isEmpty() ? 0 : 1;
  }
}
