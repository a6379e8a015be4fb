package dev.remit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run by failsafe after {@code package}, on the jars the build produced: the thin
 * {@code remit-cli-VERSION.jar} and the self-contained {@code remit.jar} the README runs.
 */
class PackagedJarsIT {
  private static final Path THIN = Path.of(System.getProperty("remit.jar"));
  private static final Path SELF_CONTAINED = Path.of(System.getProperty("remit.cli.jar"));

  private static Attributes manifest(Path jar) throws IOException {
    assertThat(jar).as("packaged jar").isRegularFile();
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest().getMainAttributes();
    }
  }

  @Test
  void theThinCliJarIsTheAutomaticModuleDevRemitCli() throws IOException {
    assertThat(manifest(THIN).getValue("Automatic-Module-Name")).isEqualTo("dev.remit.cli");

    assertThat(ModuleFinder.of(THIN).findAll()).map(ModuleReference::descriptor)
        .singleElement().satisfies(m -> {
          assertThat(m.name()).isEqualTo("dev.remit.cli");
          assertThat(m.packages()).contains("dev.remit.cli", "dev.remit.cli.audit")
              .doesNotContain("dev.remit");
        });
  }

  @Test
  void theSelfContainedJarNamesItsMainClassModuleAndVersion() throws IOException {
    Attributes m = manifest(SELF_CONTAINED);

    assertThat(m.getValue("Main-Class")).isEqualTo("dev.remit.cli.Main");
    assertThat(m.getValue("Automatic-Module-Name")).isEqualTo("dev.remit.cli");
    assertThat(m.getValue("Implementation-Title")).isEqualTo("remit");
    assertThat(m.getValue("Implementation-Version")).isNotBlank();
  }

  @Test
  void javaDashJarRemitJarDemoRunsTheWholeDemo(@TempDir Path dir) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path output = dir.resolve("demo.txt");
    Process p = new ProcessBuilder(java.toString(), "-jar", SELF_CONTAINED.toString(), "demo")
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    p.getOutputStream().close(); // no input
    boolean finished = p.waitFor(2, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly();
    }

    assertThat(finished).as("the demo finished within two minutes").isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(Files.readString(output, StandardCharsets.UTF_8))
        .contains("=> ALLOW", "GRANT_REVOKED", "every decision came out as the scenario expects");
  }
}
