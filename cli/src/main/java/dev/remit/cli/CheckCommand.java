package dev.remit.cli;

import dev.remit.AuthZen;
import dev.remit.Decision;
import dev.remit.Outcome;
import dev.remit.Policy;
import dev.remit.PolicyException;
import dev.remit.Problem;
import dev.remit.Remit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code remit check}: decides one AuthZEN request (or a batch) against a policy file. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Decide an AuthZEN access-evaluation request (or an `evaluations` batch) against a policy "
        + "and print the decision as AuthZEN JSON."},
    footer = {"", "Exit status: 0 ALLOW, 1 DENY, 3 REQUIRE_APPROVAL, 2 bad usage or bad input.",
        "For a batch: 0 if every evaluated item is allowed, else 1 or 3 after the first item that is not."})
final class CheckCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--policy", required = true, paramLabel = "FILE", description = "policy document (YAML or JSON)")
  Path policy;

  @Option(names = "--request", required = true, paramLabel = "FILE",
      description = "AuthZEN request JSON (access evaluation or evaluations); '-' reads stdin")
  String request;

  @Option(names = "--at", paramLabel = "TIME",
      description = "evaluate at this instant (ISO-8601, e.g. 2026-03-02T10:00:00Z) instead of now")
  String at;

  @Option(names = "--bare", description = "print bare AuthZEN responses: the decision only, no context")
  boolean bare;

  @Option(names = "--as-agent", description = "print what the agent would be told: no identities, grants, chains,"
      + " rule ids or limits (the default prints the operator's full decision)")
  boolean asAgent;

  private AuthZen.Disclosure disclosure() {
    return asAgent ? AuthZen.Disclosure.AGENT : AuthZen.Disclosure.OPERATOR;
  }

  @Override
  public Integer call() {
    Clock clock = at == null ? Clock.systemUTC() : Clock.fixed(parseInstant(at), ZoneOffset.UTC);
    String json = readRequest();
    AuthZen.Batch batch;
    List<String> problems;
    try {
      batch = AuthZen.parseEvaluations(json);
      problems = AuthZen.problems(json);
    } catch (IllegalArgumentException e) {
      throw new InputException(request + ": " + e.getMessage());
    }
    if (!problems.isEmpty()) {
      // an AuthZEN endpoint answers such a body with an error, not a decision; so does the CLI
      throw new InputException(request + ": not a complete AuthZEN request (" + problems.size()
          + (problems.size() == 1 ? " problem):\n  " : " problems):\n  ") + String.join("\n  ", problems));
    }
    Policy p = loadPolicy(policy);
    Remit remit = Remit.builder().policy(p).clock(clock).build();
    List<Decision> ds = remit.authorizeAll(batch.requests(), batch.semantic());
    PrintWriter out = spec.commandLine().getOut();
    if (batch.single()) {
      Decision d = ds.get(0);
      out.println(bare ? AuthZen.toBareJson(d) : AuthZen.toJson(d, disclosure()));
      return exitCode(d.outcome());
    }
    out.println(AuthZen.toJson(ds, bare, disclosure()));
    return exitCode(ds);
  }

  /** Returns 0 for ALLOW, 1 for DENY, 3 for REQUIRE_APPROVAL. */
  static int exitCode(Outcome o) {
    switch (o) {
      case ALLOW:
        return 0;
      case REQUIRE_APPROVAL:
        return 3;
      default:
        return 1;
    }
  }

  /** Returns 0 if every decision allows, else the code of the first that does not. */
  static int exitCode(List<Decision> ds) {
    for (Decision d : ds) {
      if (!d.allowed()) {
        return exitCode(d.outcome());
      }
    }
    return 0;
  }

  static Instant parseInstant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InputException("--at: '" + text + "' is not an ISO-8601 instant such as 2026-03-02T10:00:00Z");
    }
  }

  private String readRequest() {
    try {
      return request.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(request));
    } catch (NoSuchFileException e) {
      throw new InputException("--request: no such file: " + request);
    } catch (IOException e) {
      throw new InputException("--request: cannot read " + request + ": " + e.getMessage());
    }
  }

  /** Returns the policy in {@code file}, turning load failures into input errors. */
  static Policy loadPolicy(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InputException("--policy: no such file: " + file);
    }
    try {
      return Policy.load(file);
    } catch (PolicyException e) {
      StringBuilder b = new StringBuilder("invalid policy " + file + " (" + e.problems().size()
          + (e.problems().size() == 1 ? " problem):" : " problems):"));
      for (Problem pr : e.problems()) {
        b.append("\n  ").append(pr);
      }
      throw new InputException(b.toString(), e);
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
