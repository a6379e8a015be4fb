package dev.remit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the CLI in-process and captures what it prints. */
record Cli(int exit, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Cli(code, out.toString(), err.toString());
  }

  /** Returns the repository root (the parent of the cli module). */
  static Path repo() {
    String p = System.getProperty("remit.repo.root");
    return (p == null ? Path.of("..") : Path.of(p)).toAbsolutePath().normalize();
  }

  /** Returns the last non-empty line of stdout. */
  String lastLine() {
    String[] lines = out.strip().split("\\R");
    return lines[lines.length - 1];
  }
}
