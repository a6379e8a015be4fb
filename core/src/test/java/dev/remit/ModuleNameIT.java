package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Run by failsafe after {@code package}: the built jar is what a host puts on its module path.
 * Without an {@code Automatic-Module-Name} the JVM would call it {@code remit.core}, from the file
 * name, and a host's {@code requires} would break on the first rename.
 */
class ModuleNameIT {
  @Test
  void theCoreJarIsTheAutomaticModuleDevRemitHoldingThePublicApi() throws IOException {
    Path jar = Path.of(System.getProperty("remit.jar"));
    assertThat(jar).as("the packaged core jar").isRegularFile();
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
          .isEqualTo("dev.remit");
    }

    // what the module system makes of it (the name must also be a legal module name)
    ModuleDescriptor module = ModuleFinder.of(jar).findAll().stream()
        .map(ModuleReference::descriptor).findFirst().orElseThrow();
    assertThat(module.name()).isEqualTo("dev.remit");
    assertThat(module.isAutomatic()).isTrue();
    assertThat(module.packages()).contains("dev.remit", "dev.remit.spi");
  }
}
