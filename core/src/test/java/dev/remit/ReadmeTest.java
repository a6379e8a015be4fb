package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Keeps the README honest: its Java snippets compile and print what it says they print. */
class ReadmeTest {
  private static final Path README = Path.of("..", "README.md");

  @Test
  void javaSnippetsCompileRunAndPrintTheOutputShownAfterThem() throws Exception {
    String md = Files.readString(README);
    List<String[]> pairs = snippetsWithOutput(md);
    assertThat(pairs).as("README has Java snippets followed by their output").isNotEmpty();
    int n = 0;
    for (String[] pair : pairs) {
      String printed = compileAndRun("ReadmeSnippet" + n++, pair[0]);
      assertThat(printed.strip()).isEqualTo(pair[1].strip());
    }
  }

  @Test
  void theReadmePolicyExampleLoads() throws IOException {
    String md = Files.readString(README);
    int at = md.indexOf("```yaml\n");
    assertThat(at).as("README has a YAML policy example").isNotNegative();
    String yaml = md.substring(at + 8, md.indexOf("```", at + 8));
    Policy p = Policy.parse(yaml, "README.md");
    assertThat(p.version()).isEqualTo("travel-2026-11");
    assertThat(p.grants()).extracting(Grant::id).containsExactly("g-trip");
  }

  @Test
  void everyReasonCodeIsInTheReadmeTableAndTheReference() throws IOException {
    String md = Files.readString(README);
    String ref = Files.readString(Path.of("..", "docs", "reason-codes.md"));
    for (ReasonCode c : ReasonCode.values()) {
      assertThat(md).as("README table row for " + c)
          .contains("| `" + c.name() + "` | " + c.outcome().name() + " |");
      assertThat(ref).as("docs/reason-codes.md section for " + c).contains("### `" + c.name() + "`");
    }
  }

  /** Returns [code, expected output] for each ```java block followed by a ```text block. */
  private static List<String[]> snippetsWithOutput(String md) {
    List<String[]> out = new ArrayList<>();
    int i = 0;
    while ((i = md.indexOf("```java\n", i)) >= 0) {
      int end = md.indexOf("```", i + 8);
      String code = md.substring(i + 8, end);
      int text = md.indexOf("```text\n", end + 3);
      int nextJava = md.indexOf("```java\n", end + 3);
      String expected = "";
      if (text >= 0 && (nextJava < 0 || text < nextJava)) {
        expected = md.substring(text + 8, md.indexOf("```", text + 8));
      }
      out.add(new String[] {code, expected});
      i = end + 3;
    }
    return out;
  }

  private static String compileAndRun(String className, String body) throws Exception {
    Path dir = Files.createTempDirectory("readme");
    String src = "import dev.remit.*;\nimport dev.remit.spi.*;\nimport java.time.*;\nimport java.util.*;\n"
        + "public class " + className + " {\n  public static void run() throws Exception {\n"
        + body + "\n  }\n}\n";
    Path file = dir.resolve(className + ".java");
    Files.writeString(file, src);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ByteArrayOutputStream diag = new ByteArrayOutputStream();
    int rc = javac.run(null, diag, diag, "-d", dir.toString(), "-cp", cp, file.toString());
    assertThat(rc).as("README snippet compiles:\n" + diag.toString(StandardCharsets.UTF_8) + "\n" + src)
        .isZero();
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        ReadmeTest.class.getClassLoader())) {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      cl.loadClass(className).getMethod("run").invoke(null);
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
