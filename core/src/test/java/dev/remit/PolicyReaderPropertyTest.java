package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Properties of the policy loader (kept apart from {@link PolicyReaderTest}: jqwik, not Jupiter). */
class PolicyReaderPropertyTest {
  static final Path COMPLETE_YAML = PolicyReaderTest.COMPLETE_YAML;
  static final Path COMPLETE_JSON = PolicyReaderTest.COMPLETE_JSON;

  /**
   * Whatever a damaged document holds, reading it either returns a policy or throws a
   * PolicyException: no other exception escapes and nothing is half-read.
   */
  @Property(tries = 400)
  void aDamagedDocumentIsEitherAPolicyOrAPolicyException(@ForAll @IntRange(min = 0, max = 1_000_000) int at,
      @ForAll @IntRange(min = 0, max = 40) int length, @ForAll @IntRange(min = 0, max = 7) int how,
      @ForAll boolean json) throws IOException {
    String doc = Files.readString(json ? COMPLETE_JSON : COMPLETE_YAML);
    int from = at % doc.length();
    int to = Math.min(doc.length(), from + length);
    String damaged = switch (how) {
      case 0 -> doc.substring(0, from) + doc.substring(to);
      case 1 -> doc.substring(0, to) + doc.substring(from);
      case 2 -> doc.substring(0, from) + "\n" + doc.substring(from);
      case 3 -> doc.substring(0, from) + ": " + doc.substring(from);
      case 4 -> doc.substring(0, from) + "- " + doc.substring(to);
      case 5 -> doc.substring(0, from) + "[]" + doc.substring(to);
      case 6 -> doc.substring(0, from) + "\u043e" + doc.substring(to);
      default -> doc.substring(0, from) + " " + doc.substring(from);
    };
    try {
      Policy p = Policy.parse(damaged, json ? "p.json" : "p.yaml");
      assertThat(p.grants()).isNotEmpty();
    } catch (PolicyException e) {
      assertThat(e.problems()).isNotEmpty().allSatisfy(pr -> assertThat(pr.message()).isNotBlank());
    }
  }
}
