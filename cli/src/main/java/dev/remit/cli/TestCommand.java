package dev.remit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code remit test}: runs policy test suites (format in docs/test-suite-format.md). */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Run policy test suites: print PASS/FAIL per case, then 'N passed, N failed'.",
    footer = {"", "Exit status: 0 all passed, 1 some failed, 2 a suite is malformed (every problem of every",
        "suite is listed on stderr with file and path; nothing is run).",
        "Suite format: docs/test-suite-format.md"})
final class TestCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "SUITE",
      description = "suite files (YAML), or directories: their *.yaml and *.yml files, in name order")
  List<Path> suites;

  @Override
  public Integer call() {
    List<Suite> parsed = SuiteReader.readAll(expand(suites));
    SuiteRunner.Totals t = new SuiteRunner(spec.commandLine().getOut()).runAll(parsed);
    return t.failed() == 0 ? 0 : 1;
  }

  /** Returns the files, with each directory replaced by its YAML files in name order. */
  static List<Path> expand(List<Path> args) {
    List<Path> out = new ArrayList<>();
    for (Path p : args) {
      if (!Files.isDirectory(p)) {
        out.add(p);
        continue;
      }
      try (Stream<Path> s = Files.list(p)) {
        List<Path> found = s.filter(f -> Files.isRegularFile(f)
            && (f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))).sorted().toList();
        if (found.isEmpty()) {
          throw new InputException(p + ": directory has no .yaml or .yml suites");
        }
        out.addAll(found);
      } catch (IOException e) {
        throw new InputException(p + ": cannot list directory: " + e.getMessage());
      }
    }
    return out;
  }
}
