package dev.remit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.cedarpolicy.model.AuthorizationRequest;
import dev.remit.Decision;
import dev.remit.Remit;
import dev.remit.bench.Scenario.Expected;
import java.util.ArrayList;
import java.util.List;
import org.casbin.jcasbin.main.Enforcer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The race is fair: every engine gives the same allow/deny on the scenario's decision table. */
class PeerEquivalenceTest {
  static List<Expected> table;
  static Remit remit;

  @BeforeAll
  static void setUp() {
    table = Scenario.decisionTable();
    remit = Scenario.remit(false);
  }

  @Test
  void committedPeerPoliciesAreTheRenderingOfTheScenario() {
    assertThat(PeerPolicies.resource(PeerPolicies.CEDAR)).isEqualTo(PeerPolicies.cedar());
    assertThat(PeerPolicies.resource(PeerPolicies.CASBIN_MODEL)).isEqualTo(PeerPolicies.casbinModel());
    assertThat(PeerPolicies.resource(PeerPolicies.CASBIN_POLICY)).isEqualTo(PeerPolicies.casbinPolicy());
  }

  @Test
  void theScenarioHasTheIssuesShape() {
    int entries = Scenario.entitlements().size();
    for (Scenario.GrantSpec g : Scenario.grants()) {
      entries += g.entries().size();
    }
    assertThat(entries).isEqualTo(100);
    assertThat(Scenario.rules()).hasSize(20);
    assertThat(table).anyMatch(e -> !e.allow()).anyMatch(Expected::allow);
  }

  @Test
  void remitGivesTheExpectedDecisionWithAReasonForEachDeny() {
    List<String> wrong = new ArrayList<>();
    for (Expected e : table) {
      Decision d = remit.authorize(e.call().toRequest());
      if (d.allowed() != e.allow()) {
        wrong.add(e.why() + " -> " + d.outcome() + " " + d.reasons());
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void cachedRemitGivesTheSameDecisionsTwice() {
    Remit cached = Scenario.remit(true);
    for (int round = 0; round < 2; round++) {
      for (Expected e : table) {
        assertThat(cached.authorize(e.call().toRequest()).allowed()).as(e.why()).isEqualTo(e.allow());
      }
    }
  }

  @Test
  void cedarWithCachedPolicySetAgreesWithRemit() {
    Peers.Cedar cedar = new Peers.Cedar(true);
    assertThat(cedar.cached).as("PolicySet.cache() available").isTrue();
    assertThat(cedar.policyCount()).isEqualTo(80);
    assertAgrees("cedar", e -> cedar.isAllowed(Peers.Cedar.request(e.call())));
  }

  @Test
  void cedarWithoutCacheAgreesWithRemit() {
    Peers.Cedar cedar = new Peers.Cedar(false);
    AuthorizationRequest[] reqs = table.stream().map(e -> Peers.Cedar.request(e.call()))
        .toArray(AuthorizationRequest[]::new);
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < reqs.length; i++) {
      if (cedar.isAllowed(reqs[i]) != table.get(i).allow()) {
        wrong.add(table.get(i).why());
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void casbinEnforcerAgreesWithRemit() {
    Enforcer e = Peers.casbin(false);
    assertAgrees("casbin", x -> e.enforce(Peers.casbinRequest(x.call())));
  }

  @Test
  void casbinCachedEnforcerAgreesWithRemitOnMissAndOnHit() {
    Enforcer e = Peers.casbin(true);
    assertAgrees("casbin cached (miss)", x -> e.enforce(Peers.casbinRequest(x.call())));
    assertAgrees("casbin cached (hit)", x -> e.enforce(Peers.casbinRequest(x.call())));
  }

  @Test
  void opaDemoPolicyIsTheOneLookupRolePolicy() {
    Peers.OpaDemo opa = new Peers.OpaDemo();
    assertThat(opa.entrypoints()).containsKey("opa/wasm/test/allowed");
    assertThat(opa.evaluate("{\"user\":\"alice\"}")).isEqualTo("[{\"result\":true}]");
    assertThat(opa.evaluate("{\"user\":\"bob\"}")).isEqualTo("[{\"result\":false}]");
    assertThat(opa.evaluate("{\"user\":\"mallory\"}")).isEqualTo("[{\"result\":false}]");
  }

  private interface Engine {
    boolean allows(Expected e);
  }

  private static void assertAgrees(String name, Engine engine) {
    List<String> wrong = new ArrayList<>();
    for (Expected e : table) {
      if (engine.allows(e) != e.allow()) {
        wrong.add(e.why() + " (expected " + (e.allow() ? "allow" : "deny") + ")");
      }
    }
    assertThat(wrong).as(name + " disagrees").isEmpty();
  }
}
