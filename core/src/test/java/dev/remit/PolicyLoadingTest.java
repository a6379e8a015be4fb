package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Policy#loadResource} and {@link Policy#load(InputStream, String)}. */
class PolicyLoadingTest {
  private static final String BASE = PolicyReaderTest.BASE;
  private static final String BASE_JSON = """
      {"agents": [{"id": "bot"}],
       "principals": [{"id": "alice", "kind": "human",
                       "entitlements": [{"tools": ["payments"], "operations": ["*"], "resources": ["**"]}]}],
       "tools": [{"name": "payments", "operations": {"charge": "money-movement"}}],
       "grants": [{"id": "g1", "principal": "alice", "holder": "bot",
                   "scopes": [{"tools": ["payments"], "operations": ["charge"], "resources": ["**"]}],
                   "expires_at": "2030-01-01T00:00:00Z"}]}
      """;
  private static final int LIMIT = 16 * 1024 * 1024;

  private static List<Problem> problemsOf(Runnable load) {
    try {
      load.run();
    } catch (PolicyException e) {
      return e.problems();
    }
    throw new AssertionError("the document was accepted");
  }

  private static InputStream utf8(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A class loader that sees only {@code dir} (no parent delegation to the test class path). */
  private static URLClassLoader loaderOf(Path dirOrJar) throws IOException {
    return new URLClassLoader(new URL[] {dirOrJar.toUri().toURL()}, null);
  }

  // --- class path resources

  @Test
  void aClassPathResourceLoadsTheSamePolicyAsTheFileAndIsNamedClasspathColonName() {
    Policy fromResource = Policy.loadResource("policies/travel.yaml");
    Policy fromFile = Policy.load(PolicyReaderTest.TRAVEL_EXAMPLE);

    assertThat(fromResource.source()).isEqualTo("classpath:policies/travel.yaml");
    assertThat(fromResource.version()).isEqualTo(fromFile.version()).isEqualTo("travel-2026-11");
    assertThat(fromResource.grants()).isEqualTo(fromFile.grants()).isNotEmpty();
    assertThat(fromResource.rules()).isEqualTo(fromFile.rules()).isNotEmpty();
  }

  @Test
  void aLeadingSlashNamesTheSameResource() {
    Policy p = Policy.loadResource("/policies/travel.yaml");

    assertThat(p.source()).isEqualTo("classpath:policies/travel.yaml");
    assertThat(p.version()).isEqualTo("travel-2026-11");
  }

  @Test
  void aMissingResourceFailsWithAProblemNamingIt() {
    assertThat(problemsOf(() -> Policy.loadResource("policies/absent.yaml"))).containsExactly(
        new Problem("classpath:policies/absent.yaml", "", "no such resource on the class path", null));
  }

  @Test
  void aDirectoryOnTheClassPathIsRefusedRatherThanReadAsAListingOfNames() {
    assertThat(problemsOf(() -> Policy.loadResource("policies"))).containsExactly(
        new Problem("classpath:policies", "", "is a directory, not a policy document", null));
  }

  @Test
  void aResourceInsideAJarLoadsThroughTheGivenClassLoaderOnly(@TempDir Path dir) throws IOException {
    Path jar = dir.resolve("policies.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("remit/inside.json"));
      out.write(BASE_JSON.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }

    try (URLClassLoader loader = loaderOf(jar)) {
      Policy p = Policy.loadResource(loader, "remit/inside.json");

      assertThat(p.source()).isEqualTo("classpath:remit/inside.json");
      assertThat(p.grants()).extracting(Grant::id).containsExactly("g1");
    }
    // the test class path does not hold that resource: the loader given is the one searched
    assertThat(problemsOf(() -> Policy.loadResource("remit/inside.json")))
        .extracting(Problem::message).containsExactly("no such resource on the class path");
  }

  @Test
  void theOneArgumentFormSearchesTheThreadsContextClassLoader(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("remit"));
    Files.writeString(dir.resolve("remit/context.yaml"), BASE);
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    try (URLClassLoader loader = loaderOf(dir)) {
      thread.setContextClassLoader(loader);

      assertThat(Policy.loadResource("remit/context.yaml").grants()).extracting(Grant::id)
          .containsExactly("g1");
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  @Test
  void aProblemInsideAResourceNamesTheResourceAndThePath(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("bad.yaml"), BASE.replace("holder: bot", "holder: boot"));

    try (URLClassLoader loader = loaderOf(dir)) {
      assertThat(problemsOf(() -> Policy.loadResource(loader, "bad.yaml"))).containsExactly(
          new Problem("classpath:bad.yaml", "grants[0].holder", "agent 'boot' is not defined",
              "did you mean 'bot'?"));
    }
  }

  // --- streams

  @Test
  void aYamlStreamLoadsUnderItsSourceName() {
    Policy p = Policy.load(utf8(BASE), "tenant-7/policy.yaml");

    assertThat(p.source()).isEqualTo("tenant-7/policy.yaml");
    assertThat(p.grants()).extracting(Grant::id).containsExactly("g1");
  }

  @Test
  void aJsonStreamLoadsToTheSamePartsAsTheYamlOne() {
    Policy yaml = Policy.load(utf8(BASE.replace(", refund: money-movement", "")), "p.yaml");
    Policy json = Policy.load(utf8(BASE_JSON), "p.json");

    assertThat(json.source()).isEqualTo("p.json");
    assertThat(json.agents()).isEqualTo(yaml.agents());
    assertThat(json.principals()).isEqualTo(yaml.principals());
    assertThat(json.tools()).isEqualTo(yaml.tools());
    assertThat(json.grants()).isEqualTo(yaml.grants()).hasSize(1);
  }

  @Test
  void theExtensionChoosesTheFormatWhateverTheFirstCharacter() {
    // a YAML flow map starts with '{' too; named .yaml it is read, and reported, as YAML
    assertThat(problemsOf(() -> Policy.load(utf8("{\"agents\": ["), "p.yaml")))
        .extracting(Problem::message).singleElement().asString().startsWith("YAML syntax error");
    assertThat(problemsOf(() -> Policy.load(utf8("agents: [x"), "p.json")))
        .extracting(Problem::message).singleElement().asString().startsWith("JSON syntax error");
  }

  @Test
  void withoutAKnownExtensionALeadingBraceMeansJsonAndAnythingElseYaml() {
    assertThat(problemsOf(() -> Policy.load(utf8("  \n{\"agents\": ["), "row 42")))
        .extracting(Problem::message).singleElement().asString().startsWith("JSON syntax error");
    assertThat(problemsOf(() -> Policy.load(utf8("agents: [x"), "row 42")))
        .extracting(Problem::message).singleElement().asString().startsWith("YAML syntax error");
    assertThat(Policy.load(utf8(BASE_JSON), "row 42").grants()).hasSize(1);
    assertThat(Policy.load(utf8(BASE), "row 42").grants()).hasSize(1);
  }

  @Test
  void anEndlessStreamIsRefusedAfterReadingOneBytePastTheLimit() {
    CountingEndlessStream endless = new CountingEndlessStream();

    assertThat(problemsOf(() -> Policy.load(endless, "endless.yaml"))).containsExactly(
        new Problem("endless.yaml", "", "the document is larger than 16 MiB",
            "split the policy or remove what it does not need"));
    assertThat(endless.read).isEqualTo(LIMIT + 1L);
  }

  @Test
  void aStreamOfExactlyTheLimitIsReadNotRefusedForItsSize() {
    byte[] doc = new byte[LIMIT];
    byte[] base = BASE.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(base, 0, doc, 0, base.length);
    Arrays.fill(doc, base.length, LIMIT, (byte) '\n');

    assertThat(Policy.load(new ByteArrayInputStream(doc), "full.yaml").grants()).hasSize(1);
  }

  @Test
  void theStreamIsLeftOpenForTheCallerToClose() {
    CloseRecordingStream in = new CloseRecordingStream(BASE.getBytes(StandardCharsets.UTF_8));

    Policy.load(in, "p.yaml");

    assertThat(in.closed).isFalse();
  }

  @Test
  void invalidUtf8IsRefusedNamingTheSource() {
    String yamlText = BASE.replace("id: bot", "id: b?t");
    byte[] yaml = yamlText.getBytes(StandardCharsets.UTF_8);
    yaml[yamlText.indexOf("b?t") + 1] = (byte) 0xFF; // never a UTF-8 byte
    String jsonText = BASE_JSON.replace("\"bot\"", "\"b?t\"");
    byte[] json = jsonText.getBytes(StandardCharsets.UTF_8);
    json[jsonText.indexOf("b?t") + 1] = (byte) 0xC3; // a lead byte followed by 't', not a continuation

    assertThat(problemsOf(() -> Policy.load(new ByteArrayInputStream(yaml), "latin1.yaml")))
        .singleElement().satisfies(p -> {
          assertThat(p.source()).isEqualTo("latin1.yaml");
          assertThat(p.message()).startsWith("YAML syntax error").contains("Invalid UTF-8");
        });
    assertThat(problemsOf(() -> Policy.load(new ByteArrayInputStream(json), "latin1.json")))
        .singleElement().satisfies(p -> {
          assertThat(p.source()).isEqualTo("latin1.json");
          assertThat(p.message()).startsWith("JSON syntax error").contains("Invalid UTF-8");
        });
  }

  @Test
  void aProblemInAStreamNamesTheSourceNameAndThePath() {
    assertThat(problemsOf(() -> Policy.load(utf8(BASE.replace("holder: bot", "holder: boot")),
        "db:policies/7.yaml"))).containsExactly(new Problem("db:policies/7.yaml", "grants[0].holder",
            "agent 'boot' is not defined", "did you mean 'bot'?"));
  }

  @Test
  void aStreamThatFailsWhileReadIsAProblemNotAnIoException() {
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    };

    assertThat(problemsOf(() -> Policy.load(failing, "remote.yaml"))).containsExactly(
        new Problem("remote.yaml", "", "cannot read the stream: connection reset", null));
  }

  /** Yields spaces forever, counting what was read. */
  private static final class CountingEndlessStream extends InputStream {
    long read;

    @Override
    public int read() {
      read++;
      return ' ';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      Arrays.fill(b, off, off + len, (byte) ' ');
      read += len;
      return len;
    }
  }

  private static final class CloseRecordingStream extends ByteArrayInputStream {
    boolean closed;

    CloseRecordingStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }
  }
}
