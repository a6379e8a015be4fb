package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every policy the project ships: the example policy files, the policies written inline in the
 * example suites, and the policy documents shown in the docs and the README.
 */
final class ShippedPolicies {
  private static final Path REPO = Path.of("..");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private ShippedPolicies() {}

  /** A shipped policy and where it was found. */
  record Shipped(String where, Policy policy) {}

  static List<Shipped> all() {
    List<Shipped> out = new ArrayList<>();
    for (Path dir : List.of(REPO.resolve("examples/policies"), REPO.resolve("examples/suites/policies"))) {
      for (Path f : yamlFiles(dir)) {
        if (f.getFileName().toString().startsWith("broken")) {
          // deliberately invalid examples must stay so, or they would be shipped unchecked
          assertThatThrownBy(() -> Policy.load(f)).as(f.toString()).isInstanceOf(PolicyException.class);
          continue;
        }
        out.add(new Shipped(f.toString(), Policy.load(f)));
      }
    }
    for (Path suite : yamlFiles(REPO.resolve("examples/suites"))) {
      inline(suite.toString(), read(suite), out);
    }
    List<Path> docs = new ArrayList<>(List.of(REPO.resolve("README.md")));
    docs.addAll(files(REPO.resolve("docs"), ".md"));
    for (Path doc : docs) {
      String md = read(doc);
      int n = 0;
      for (int at = md.indexOf("```yaml\n"); at >= 0; at = md.indexOf("```yaml\n", at + 8)) {
        String block = md.substring(at + 8, md.indexOf("```", at + 8));
        String where = doc + " yaml block " + n++;
        if (block.lines().anyMatch(l -> l.startsWith("version:"))) {
          out.add(new Shipped(where, Policy.parse(block, where))); // a whole document: it must load
        } else if (block.lines().anyMatch(l -> l.startsWith("cases:"))) {
          inline(where, block, out);
        }
      }
    }
    return out;
  }

  /** Adds the inline {@code policy:} and {@code swap_policy:} mappings of a suite. */
  private static void inline(String where, String yaml, List<Shipped> out) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(where, e);
    }
    List<JsonNode> found = new ArrayList<>();
    collect(root, found);
    for (int i = 0; i < found.size(); i++) {
      try {
        String at = where + " inline policy " + i;
        out.add(new Shipped(at, Policy.parse(JSON.writeValueAsString(found.get(i)), at)));
      } catch (PolicyException e) {
        // a suite may swap in a broken document on purpose, expecting the swap to fail
        assertThat(yaml).as(where).contains("expect_error");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void collect(JsonNode n, List<JsonNode> found) {
    if (n == null) {
      return;
    }
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if ((e.getKey().equals("policy") || e.getKey().equals("swap_policy")) && e.getValue().isObject()) {
          found.add(e.getValue());
        } else {
          collect(e.getValue(), found);
        }
      }
    } else if (n.isArray()) {
      n.forEach(x -> collect(x, found));
    }
  }

  private static List<Path> yamlFiles(Path dir) {
    List<Path> out = new ArrayList<>(files(dir, ".yaml"));
    out.addAll(files(dir, ".yml"));
    return out;
  }

  private static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
