package dev.remit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** Run by failsafe after {@code package}, on the built (thin) benchmarks jar. */
class ModuleNameIT {
  @Test
  void theBenchmarksJarIsTheAutomaticModuleDevRemitBench() throws IOException {
    Path jar = Path.of(System.getProperty("remit.jar"));
    assertThat(jar).as("the packaged benchmarks jar").isRegularFile();
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
          .isEqualTo("dev.remit.bench");
    }

    ModuleDescriptor module = ModuleFinder.of(jar).findAll().stream()
        .map(ModuleReference::descriptor).findFirst().orElseThrow();
    assertThat(module.name()).isEqualTo("dev.remit.bench");
    assertThat(module.packages()).contains("dev.remit.bench");
  }
}
