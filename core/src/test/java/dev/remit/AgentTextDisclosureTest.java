package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * What reaches the agent never names anything of the policy: for the decision of every reason-code
 * scenario ({@link ReasonCodeCoverageTest#SCENARIOS}), the reasons' agent texts, the agent-facing
 * explanation, the message of the exception enforcement throws and the default AuthZEN response
 * contain no agent, principal, grant, rule, tool or operation id of the scenario's policy, nothing
 * the operator text quotes, and no number (limits, counts, depths, times).
 */
class AgentTextDisclosureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every identifier of the scenarios' policies (Fixtures.base() plus what the scenarios add). */
  private static final Set<String> POLICY_IDS = Set.of(
      // agents and components
      "orch", "worker", "helper", "bot", "bot.planner", "bot.connector",
      // principals and their roles' holders
      "alice", "bob", "billing-svc", "carol",
      // grants and rules the scenarios issue or define
      "g", "sub", "subsub", "root", "no-prod", "money",
      // tools and operations of the catalog
      "payments", "crm", "db", "mail", "s3", "github/issues", "read", "transfer", "write", "query", "migrate",
      "send", "get", "put", "delete", "paymnts",
      // resources and values the requests carry
      "acct/1", "prod/users", "acct/../x", "nobody", "invoice", "meta");

  private static final Pattern QUOTED = Pattern.compile("'([^']+)'");
  private static final Pattern DIGIT = Pattern.compile("[0-9]");

  /** Returns the tokens a text must not contain for {@code d}: the policy's ids and what its operator texts quote. */
  private static Set<String> forbidden(Decision d) {
    Set<String> out = new LinkedHashSet<>(POLICY_IDS);
    for (Reason r : d.reasons()) {
      Matcher m = QUOTED.matcher(r.message());
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    if (d.grant() != null) {
      out.add(d.grant());
    }
    if (d.chain() != null) {
      out.add(d.chain().principal());
      d.chain().hops().forEach(h -> {
        out.add(h.grant());
        out.add(h.holder());
        out.add(h.issuedBy());
      });
    }
    return out;
  }

  private static List<String> leaks(String text, Set<String> forbidden) {
    List<String> found = new ArrayList<>();
    for (String token : forbidden) {
      Pattern p = Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(token) + "(?![A-Za-z0-9_-])");
      if (p.matcher(text).find()) {
        found.add(token);
      }
    }
    if (DIGIT.matcher(text).find()) {
      found.add("a number");
    }
    return found;
  }

  /** Returns the agent-visible strings of an AuthZEN response, leaving out its id and time. */
  private static List<String> visibleStrings(String json, Set<String> roles) throws Exception {
    JsonNode root = JSON.readTree(json);
    JsonNode c = root.get("context");
    assertThat(fieldNames(c)).as(json)
        .containsExactly("id", "outcome", "reason_codes", "reasons", "obligations", "evaluated_at");
    List<String> out = new ArrayList<>();
    for (JsonNode r : c.get("reasons")) {
      assertThat(fieldNames(r)).containsExactly("code", "message");
      out.add(r.get("message").asText());
    }
    for (JsonNode o : c.get("obligations")) {
      out.add(o.get("type").asText());
      JsonNode attributes = o.get("attributes");
      for (String name : fieldNames(attributes)) {
        // the one thing disclosed on purpose: the role to route the approval to
        assertThat(name).as("agent-facing obligation attributes").isEqualTo("approver_role");
        assertThat(attributes.get(name).asText()).isIn(roles);
      }
    }
    return out;
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @TestFactory
  Stream<DynamicTest> noAgentFacingTextOfAnyScenarioNamesWhatItsPolicyHolds() {
    return ReasonCodeCoverageTest.SCENARIOS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().name(), () -> {
      Decision d = e.getValue().get();
      Set<String> forbidden = forbidden(d);
      assertThat(forbidden).as("the scenario's operator texts name something").isNotEmpty();
      List<String> texts = new ArrayList<>();
      for (Reason r : d.reasons()) {
        texts.add(r.agentMessage());
      }
      texts.add(d.explainForAgent());
      texts.add(new NotAuthorizedException(d).getMessage());
      if (d.outcome() == Outcome.REQUIRE_APPROVAL) {
        texts.add(new ApprovalRequiredException(d).getMessage());
      }
      Set<String> roles = new LinkedHashSet<>();
      d.obligations(Obligation.ApprovalNeeded.class).forEach(o -> roles.add(o.approverRole()));
      texts.addAll(visibleStrings(AuthZen.toJson(d), roles));
      texts.addAll(visibleStrings(AuthZen.toJson(List.of(d), false).replaceFirst("^\\{\"evaluations\":\\[", "")
          .replaceFirst("]}$", ""), roles));
      for (String t : texts) {
        assertThat(leaks(t, forbidden)).as("%s: agent text \"%s\" (operator: %s)", e.getKey(), t, d.explain()).isEmpty();
      }
      // the operator text does name them: the check above is not vacuous
      String operator = AuthZen.toJson(d, AuthZen.Disclosure.OPERATOR);
      assertThat(forbidden).anyMatch(token -> operator.contains(token));
    }));
  }
}
