package dev.remit.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code remit test}: runs policy test suites (format in docs/test-suite-format.md). */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Run policy test suites: print PASS/FAIL per case, then 'N passed, N failed'.",
    footer = {"", "Exit status: 0 all passed, 1 some failed, 2 a suite is malformed (nothing is run).",
        "Suite format: docs/test-suite-format.md"})
final class TestCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "SUITE", description = "suite files (YAML)")
  List<Path> suites;

  @Override
  public Integer call() {
    List<Suite> parsed = SuiteReader.readAll(suites);
    SuiteRunner.Totals t = new SuiteRunner(spec.commandLine().getOut()).runAll(parsed);
    return t.failed() == 0 ? 0 : 1;
  }
}
