package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Revoking grants, narrowing principals and stopping agents take effect on the very next call. */
class RevocationAndLifecycleTest {
  private Remit remit;

  @BeforeEach
  void setUp() {
    remit = remit(base().build(), clock());
    // alice -> orch (root) -> worker (sub) -> helper (subsub); orch also delegates to bot.connector
    Fixtures.issue(remit, rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**"));
    Fixtures.issue(remit, subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**"));
    Fixtures.issue(remit, subGrant("subsub", "sub", "helper").allow("payments", ALL_OPS, "acct/1"));
    Fixtures.issue(remit, subGrant("conn", "root", "bot.connector").allow("payments", ALL_OPS, "acct/1"));
  }

  private static void assertDenied(Decision d, ReasonCode code, String message) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).as(d.explain()).containsExactly(code);
    assertThat(d.reasons().get(0).message()).isEqualTo(message);
  }

  @Nested
  class CascadingRevocation {
    @Test
    void revokingAGrantReturnsItAndEveryDescendant() {
      assertThat(remit.revokeGrant("root")).containsExactly("root", "conn", "sub", "subsub");
      assertThat(remit.revokeGrant("subsub")).containsExactly("subsub");
    }

    @Test
    void revokingAGrantDeniesEverySubAgent() {
      for (String agent : List.of("orch", "worker", "helper", "bot.connector")) {
        assertThat(remit.authorize(transfer(agent, 1)).allowed()).as(agent).isTrue();
      }
      long before = remit.revision();
      remit.revokeGrant("root");
      assertThat(remit.revision()).isGreaterThan(before);
      assertDenied(remit.authorize(transfer("orch", 1)), ReasonCode.GRANT_REVOKED, "grant 'root' was revoked");
      assertDenied(remit.authorize(transfer("worker", 1)), ReasonCode.GRANT_REVOKED,
          "grant 'root' (ancestor of 'sub') was revoked");
      assertDenied(remit.authorize(transfer("helper", 1)), ReasonCode.GRANT_REVOKED,
          "grant 'root' (ancestor of 'subsub') was revoked");
      assertDenied(remit.authorize(transfer("bot.connector", 1)), ReasonCode.GRANT_REVOKED,
          "grant 'root' (ancestor of 'conn') was revoked");
    }

    @Test
    void revokingAMiddleLinkLeavesTheAncestorsAndSiblingsIntact() {
      assertThat(remit.revokeGrant("sub")).containsExactly("sub", "subsub");
      assertThat(remit.authorize(transfer("orch", 1)).allowed()).isTrue();
      assertThat(remit.authorize(transfer("bot.connector", 1)).allowed()).isTrue();
      Decision d = remit.authorize(transfer("helper", 1));
      assertDenied(d, ReasonCode.GRANT_REVOKED, "grant 'sub' (ancestor of 'subsub') was revoked");
      assertThat(d.grant()).isEqualTo("subsub");
    }

    @Test
    void revocationOfADocumentGrantSurvivesPolicySwapsAndLifecycleChanges() {
      Policy p = ReasonCodeCoverageTest.withDocRoot("acct/**");
      Remit r = remit(p, clock());
      r.revokeGrant("root");
      r.suspendAgent("helper");
      r.swapPolicy(p);
      assertDenied(r.authorize(transfer("orch", 1)), ReasonCode.GRANT_REVOKED, "grant 'root' was revoked");
    }

    @Test
    void revokingAnUnknownGrantIsAnError() {
      assertThatThrownBy(() -> remit.revokeGrant("nope")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no grant 'nope'");
    }
  }

  @Nested
  class LiveNarrowing {
    @Test
    void removingAnEntitlementDeniesEveryAgentActingForThePrincipalOnTheNextCall() {
      remit.restrictEntitlements("alice", List.of(Scope.of("payments", List.of("read"), "**")));
      for (String agent : List.of("orch", "worker", "helper", "bot.connector")) {
        Decision d = remit.authorize(transfer(agent, 1));
        assertThat(d.codes()).as(agent).containsExactly(ReasonCode.PRINCIPAL_NOT_ENTITLED);
        assertThat(d.reasons().get(0).message()).isEqualTo(
            "principal 'alice' is not (any longer) entitled to payments.transfer on 'acct/1' (as restricted at runtime)");
      }
      assertThat(remit.authorize(call("helper", "payments", "read", "acct/1").build()).allowed())
          .as("what alice may still do, her agents may still do").isTrue();
    }

    @Test
    void restoringTheEntitlementRestoresTheAgents() {
      remit.restrictEntitlements("alice", List.of());
      assertThat(remit.authorize(transfer("helper", 1)).codes()).containsExactly(ReasonCode.PRINCIPAL_NOT_ENTITLED);
      remit.restrictEntitlements("alice", List.of(Scope.all("**", "**")));
      assertThat(remit.authorize(transfer("helper", 1)).allowed()).isTrue();
    }

    @Test
    void narrowingByResourceAffectsOnlyThoseResources() {
      remit.restrictEntitlements("alice", List.of(Scope.all("payments", "acct/2")));
      assertThat(remit.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.PRINCIPAL_NOT_ENTITLED);
      Decision ok = remit.authorize(call("worker", "payments", "transfer", "acct/2").arg("amount", 1).build());
      assertThat(ok.allowed()).isTrue();
    }

    @Test
    void entitlementsOfAnUnknownPrincipalCannotBeSet() {
      assertThatThrownBy(() -> remit.restrictEntitlements("alicee", List.of()))
          .hasMessage("no principal 'alicee' (did you mean 'alice'?)");
    }
  }

  @Nested
  class AgentLifecycle {
    @Test
    void aSuspendedAgentIsDeniedAndResumesWhereItLeftOff() {
      remit.suspendAgent("worker");
      assertDenied(remit.authorize(transfer("worker", 1)), ReasonCode.AGENT_SUSPENDED, "agent 'worker' is suspended");
      remit.resumeAgent("worker");
      assertThat(remit.authorize(transfer("worker", 1)).allowed()).isTrue();
    }

    @Test
    void suspendingADelegatingAgentDeniesEveryoneBelowIt() {
      remit.suspendAgent("orch");
      assertDenied(remit.authorize(transfer("worker", 1)), ReasonCode.DELEGATOR_INACTIVE,
          "'orch', which delegated through grant 'root' (ancestor of 'sub'), is suspended");
      assertDenied(remit.authorize(transfer("helper", 1)), ReasonCode.DELEGATOR_INACTIVE,
          "'orch', which delegated through grant 'root' (ancestor of 'subsub'), is suspended");
      remit.resumeAgent("orch");
      remit.revokeAgent("worker");
      assertDenied(remit.authorize(transfer("helper", 1)), ReasonCode.DELEGATOR_INACTIVE,
          "'worker', which delegated through grant 'sub' (ancestor of 'subsub'), is revoked");
    }

    @Test
    void aDelegatorRemovedFromThePolicyCutsOffEveryoneBelowIt() {
      Policy withoutOrch = Policy.builder().version("test-2")
          .tool(Tool.of("payments", "read", RiskClass.READ, "transfer", RiskClass.MONEY_MOVEMENT))
          .principal(Principal.human("alice", List.of(Scope.all("**", "**"))))
          .agent(Agent.of("worker", "alice", "w", "staging")).agent(Agent.of("helper", "alice", "h", "staging"))
          .build();
      remit.swapPolicy(withoutOrch);
      assertDenied(remit.authorize(transfer("worker", 1)), ReasonCode.DELEGATOR_INACTIVE,
          "'orch', which delegated through grant 'root' (ancestor of 'sub'), is unknown");
      assertDenied(remit.authorize(transfer("orch", 1)), ReasonCode.UNKNOWN_AGENT,
          "subject 'orch' is not a known agent or component");
    }

    @Test
    void aComponentInheritsTheStateOfItsAgent() {
      assertThat(remit.authorize(transfer("bot.connector", 1)).allowed()).isTrue();
      remit.suspendAgent("bot");
      Decision d = remit.authorize(transfer("bot.connector", 1));
      assertDenied(d, ReasonCode.AGENT_SUSPENDED, "agent 'bot', of which 'bot.connector' is a component, is suspended");
      assertThat(d.agent()).isEqualTo("bot");
      remit.resumeAgent("bot");
      assertThat(remit.authorize(transfer("bot.connector", 1)).allowed()).isTrue();
      remit.revokeAgent("bot");
      assertDenied(remit.authorize(transfer("bot.connector", 1)), ReasonCode.AGENT_REVOKED,
          "agent 'bot', of which 'bot.connector' is a component, is revoked");
    }

    @Test
    void suspendingAComponentLeavesItsSiblingsAndItsAgentActive() {
      Fixtures.issue(remit, rootGrant("planner", "bot.planner").allow("crm", ALL_OPS, "**"));
      remit.suspendAgent("bot.connector");
      assertDenied(remit.authorize(transfer("bot.connector", 1)), ReasonCode.AGENT_SUSPENDED,
          "agent 'bot.connector' is suspended");
      assertThat(remit.authorize(call("bot.planner", "crm", "read", "c/1").build()).allowed()).isTrue();
    }

    @Test
    void aRevokedAgentCannotBeResumedOrSuspended() {
      remit.revokeAgent("worker");
      assertThatThrownBy(() -> remit.resumeAgent("worker")).isInstanceOf(IllegalStateException.class)
          .hasMessage("agent 'worker' is revoked; it cannot be active");
      assertThatThrownBy(() -> remit.suspendAgent("worker")).isInstanceOf(IllegalStateException.class)
          .hasMessage("agent 'worker' is revoked; it cannot be suspended");
      remit.revokeAgent("worker"); // idempotent
      assertDenied(remit.authorize(transfer("worker", 1)), ReasonCode.AGENT_REVOKED, "agent 'worker' is revoked");
    }

    @Test
    void aRevokedAgentStaysRevokedAcrossAPolicySwap() {
      remit.revokeAgent("worker");
      remit.swapPolicy(base().version("test-2").build());
      Decision d = remit.authorize(transfer("worker", 1));
      assertDenied(d, ReasonCode.AGENT_REVOKED, "agent 'worker' is revoked");
      assertThat(d.policyVersion()).isEqualTo("test-2");
      assertThatThrownBy(() -> remit.resumeAgent("worker")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAgentSuspendedInTheDocumentCannotBeResumedAtRuntime() {
      Remit r = remit(base().agent(new Agent("paused", "alice", "x", "staging", AgentState.SUSPENDED, null, null))
          .build(), clock());
      assertThatThrownBy(() -> r.resumeAgent("paused")).isInstanceOf(IllegalStateException.class)
          .hasMessage("agent 'paused' is SUSPENDED in the policy document; change the document to activate it");
      assertDenied(r.authorize(transfer("paused", 1)), ReasonCode.AGENT_SUSPENDED, "agent 'paused' is suspended");
    }

    @Test
    void unknownAgentsAreRefusedWithASuggestion() {
      assertThatThrownBy(() -> remit.suspendAgent("wroker")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no agent 'wroker' (did you mean 'worker'?)");
      assertDenied(remit.authorize(transfer("wroker", 1)), ReasonCode.UNKNOWN_AGENT,
          "subject 'wroker' is not a known agent or component");
    }
  }

  @Nested
  class ComponentAttribution {
    @Test
    void aDecisionNamesTheComponentAsSubjectAndItsAgent() {
      Decision d = remit.authorize(transfer("bot.connector", 1));
      assertThat(d.allowed()).isTrue();
      assertThat(d.subject()).isEqualTo("bot.connector");
      assertThat(d.agent()).isEqualTo("bot");
      assertThat(d.grant()).isEqualTo("conn");
      Decision top = remit.authorize(transfer("orch", 1));
      assertThat(top.subject()).isEqualTo("orch");
      assertThat(top.agent()).isEqualTo("orch");
    }

    @Test
    void anAgentsGrantDoesNotCoverItsComponents() {
      Fixtures.issue(remit, rootGrant("bot-grant", "bot").allow("crm", ALL_OPS, "**"));
      assertThat(remit.authorize(call("bot", "crm", "read", "c/1").build()).allowed()).isTrue();
      Decision d = remit.authorize(call("bot.planner", "crm", "read", "c/1").build());
      assertDenied(d, ReasonCode.NO_MATCHING_GRANT,
          "no grant held by 'bot.planner' covers crm.read on 'c/1' (outside its remit)");
      assertThat(d.agent()).isEqualTo("bot");
    }

    @Test
    void aComponentsGrantDoesNotCoverItsAgentOrSiblings() {
      assertDenied(remit.authorize(transfer("bot", 1)), ReasonCode.NO_MATCHING_GRANT,
          "no grant held by 'bot' covers payments.transfer on 'acct/1' (outside its remit)");
      assertThat(remit.authorize(transfer("bot.planner", 1)).codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
    }
  }
}
