package dev.remit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
  static final String POLICY = Cli.repo().resolve("examples/suites/policies/shop.yaml").toString();
  static final String AT = "2026-03-02T10:00:00Z";

  @TempDir
  Path dir;

  private String file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  private static String order(int total) {
    return "{\"subject\":{\"type\":\"agent\",\"id\":\"shop-bot.buyer\"},"
        + "\"action\":{\"name\":\"place\",\"properties\":{\"tool\":\"orders\",\"args\":{\"total\":" + total
        + ",\"item\":\"chair\"}}},\"resource\":{\"type\":\"order\",\"id\":\"shop/orders/7\"}}";
  }

  @Test
  void anAllowedRequestExitsZeroAndPrintsTheAuthZenDecision() throws IOException {
    Cli r = Cli.run("check", "--policy", POLICY, "--request", file("r.json", order(40)), "--at", AT);
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).startsWith("{\"decision\":true,\"context\":{")
        .contains("\"outcome\":\"ALLOW\"", "GRANT_MATCHED", "\"grant\":\"shopping.buy\"",
            "\"evaluated_at\":\"2026-03-02T10:00:00Z\"", "\"policy_version\":\"shop-1\"");
  }

  @Test
  void aDeniedRequestExitsOne() throws IOException {
    Cli r = Cli.run("check", "--policy", POLICY, "--request", file("r.json", order(900)), "--at", AT);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("\"decision\":false", "CONSTRAINT_VIOLATED");
  }

  @Test
  void aRequestThatNeedsApprovalExitsThree() throws IOException {
    Cli r = Cli.run("check", "--policy", POLICY, "--request", file("r.json", order(240)), "--at", AT);
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out()).contains("\"decision\":false", "APPROVAL_REQUIRED", "purchasing");
  }

  @Test
  void bareOutputIsTheDecisionOnly() throws IOException {
    Cli r = Cli.run("check", "--bare", "--policy", POLICY, "--request", file("r.json", order(40)), "--at", AT);
    assertThat(r.out()).isEqualTo("{\"decision\":true}" + System.lineSeparator());
  }

  @Test
  void atFixesTheClock() throws IOException {
    Cli r = Cli.run("check", "--bare", "--policy", POLICY, "--request", file("r.json", order(40)),
        "--at", "2026-06-01T00:00:00Z");
    assertThat(r.exit()).isEqualTo(1);
  }

  @Test
  void aBatchExitsWithTheCodeOfItsFirstItemThatIsNotAllowed() throws IOException {
    String batch = "{\"subject\":{\"type\":\"agent\",\"id\":\"shop-bot.buyer\"},"
        + "\"resource\":{\"type\":\"order\",\"id\":\"shop/orders/7\"},\"evaluations\":["
        + "{\"action\":{\"name\":\"place\",\"properties\":{\"tool\":\"orders\",\"args\":{\"total\":40,\"item\":\"a\"}}}},"
        + "{\"action\":{\"name\":\"place\",\"properties\":{\"tool\":\"orders\",\"args\":{\"total\":240,\"item\":\"a\"}}}},"
        + "{\"action\":{\"name\":\"place\",\"properties\":{\"tool\":\"orders\",\"args\":{\"total\":900,\"item\":\"a\"}}}}]}";
    Cli r = Cli.run("check", "--bare", "--policy", POLICY, "--request", file("b.json", batch), "--at", AT);
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out().strip()).isEqualTo(
        "{\"evaluations\":[{\"decision\":true},{\"decision\":false},{\"decision\":false}]}");
  }

  @Test
  void anAllAllowedBatchExitsZero() throws IOException {
    String batch = "{\"evaluations\":[" + order(10) + "," + order(20) + "]}";
    Cli r = Cli.run("check", "--bare", "--policy", POLICY, "--request", file("b.json", batch), "--at", AT);
    assertThat(r.exit()).isZero();
  }

  @Test
  void aRequestThatIsNotJsonExitsTwoWithItsFileInTheMessage() throws IOException {
    String f = file("bad.json", "{\"subject\": ");
    Cli r = Cli.run("check", "--policy", POLICY, "--request", f, "--at", AT);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("remit check: " + f + ": ").contains("JSON");
  }

  @Test
  void aMissingRequestFileExitsTwo() {
    Cli r = Cli.run("check", "--policy", POLICY, "--request", dir.resolve("nope.json").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--request: no such file: ");
  }

  @Test
  void anInvalidPolicyExitsTwoListingEachProblemOnItsOwnLine() throws IOException {
    String broken = Cli.repo().resolve("examples/suites/policies/broken.yaml").toString();
    Cli r = Cli.run("check", "--policy", broken, "--request", file("r.json", order(40)));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(3);
    assertThat(r.err().lines().toList().get(0)).isEqualTo("remit check: invalid policy " + broken + " (2 problems):");
    assertThat(r.err()).contains("grants[0].holder: agent 'shop-robot' is not defined",
        "grants[0].scopes[0].tools[0]: tool 'catalogue' is not in the catalog");
  }

  @Test
  void aMissingPolicyFileExitsTwo() throws IOException {
    Cli r = Cli.run("check", "--policy", dir.resolve("none.yaml").toString(), "--request", file("r.json", order(1)));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--policy: no such file: ");
  }

  @Test
  void aBadTimeExitsTwo() throws IOException {
    Cli r = Cli.run("check", "--policy", POLICY, "--request", file("r.json", order(40)), "--at", "noon");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("remit check: --at: 'noon' is not an ISO-8601 instant such as 2026-03-02T10:00:00Z"
        + System.lineSeparator());
  }

  @Test
  void aMissingOptionExitsTwoWithUsageHint() {
    Cli r = Cli.run("check", "--policy", POLICY);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option: '--request=FILE'", "remit check --help");
  }

  @Test
  void aJsonRequestMissingPartsExitsTwoListingEachMissingPart() throws IOException {
    String req = "{\"action\":{\"name\":\"search\",\"properties\":{\"tool\":\"catalog\"}},"
        + "\"resource\":{\"id\":\"shop/catalog/a\"}}";
    String f = file("r.json", req);
    Cli r = Cli.run("check", "--policy", POLICY, "--request", f, "--at", AT);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList()).containsExactly(
        "remit check: " + f + ": not a complete AuthZEN request (2 problems):",
        "  subject is missing",
        "  resource.type is missing");
  }

  @Test
  void aCompleteRequestWithABadNameIsDeniedNotAnInputError() throws IOException {
    String req = order(40).replace("shop/orders/7", "shop/orders/../7");
    Cli r = Cli.run("check", "--policy", POLICY, "--request", file("r.json", req), "--at", AT);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("INVALID_NAME");
  }
}
