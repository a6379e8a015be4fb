package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.rootGrant;
import static dev.remit.Fixtures.subGrant;
import static dev.remit.Fixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may delegate: only the active holder of the parent grant, and only through
 * {@link Remit#delegate}; a decision's chain names each delegator. A sub-grant stays bound to the
 * principal it was issued for, so a document that re-binds its root to another principal breaks
 * its chain (CHAIN_BROKEN) rather than moving it.
 */
class DelegationAuthorityTest {
  enum Source {
    DOCUMENT,
    RUNTIME
  }

  /**
   * Parents to delegate from: {@code root} (alice -> orch), {@code botg} (alice -> bot),
   * {@code comp} (alice -> bot.planner); in the document or issued at runtime.
   */
  private static Remit world(Source source, MemoryAuditSink sink) {
    List<Grant.Builder> parents = List.of(
        rootGrant("root", "orch").allow("payments", ALL_OPS, "acct/**"),
        rootGrant("botg", "bot").allow("payments", ALL_OPS, "acct/**"),
        rootGrant("comp", "bot.planner").allow("payments", ALL_OPS, "acct/**"));
    Policy.Builder p = base();
    if (source == Source.DOCUMENT) {
      parents.forEach(g -> p.grant(g.build()));
    }
    Remit.Builder b = Remit.builder().policy(p.build()).clock(Fixtures.clock());
    if (sink != null) {
      b.audit(AuditTrail.builder().sink(sink).build());
    }
    Remit remit = b.build();
    if (source == Source.RUNTIME) {
      parents.forEach(remit::issue);
    }
    return remit;
  }

  static Stream<Arguments> strangers() {
    List<Arguments> out = new ArrayList<>();
    Object[][] cases = {
        {"another agent", "worker", "root", "'worker' does not hold parent grant 'root'; only the holder of a grant may delegate it"},
        {"the holder's own component", "bot.planner", "botg", "'bot.planner' does not hold parent grant 'botg'; only the holder of a grant may delegate it"},
        {"the agent of the component holder", "bot", "comp", "'bot' does not hold parent grant 'comp'; only the holder of a grant may delegate it"},
        {"a sibling component", "bot.connector", "comp", "'bot.connector' does not hold parent grant 'comp'; only the holder of a grant may delegate it"},
        {"an unknown id", "ghost", "root", "delegator 'ghost' is not a known agent or component"},
        {"the principal", "alice", "root", "delegator 'alice' is not a known agent or component"},
        {"the host", Remit.HOST, "root", "delegator 'host' is not a known agent or component"}};
    for (Source s : Source.values()) {
      for (Object[] c : cases) {
        out.add(Arguments.of(s, c[0], c[1], c[2], c[3]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("strangers")
  void onlyTheHolderOfTheParentMayDelegateIt(Source source, String who, String delegator, String parent, String why) {
    MemoryAuditSink sink = AuditSinks.memory();
    try (Remit remit = world(source, sink)) {
      Grant sub = subGrant("sub", parent, "helper").allow("payments", ALL_OPS, "acct/1").build();
      assertThatThrownBy(() -> remit.delegate(delegator, sub))
          .isInstanceOf(GrantRefusedException.class)
          .hasMessage("grant sub refused: " + why);
      assertThat(remit.grant("sub")).isNull();
      assertThat(remit.authorize(transfer("helper", 1)).codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
      // the refused id is not burned: the rightful holder may use it
      String holder = remit.grant(parent).holder();
      assertThat(remit.delegate(holder, sub).principal()).isEqualTo("alice");
      Decision d = remit.authorize(transfer("helper", 1));
      assertThat(d.allowed()).as(d.explain()).isTrue();
      assertThat(d.chain().hops().get(1).issuedBy()).isEqualTo(holder);
    }
  }

  static Stream<Arguments> inactiveHolders() {
    List<Arguments> out = new ArrayList<>();
    for (Source s : Source.values()) {
      out.add(Arguments.of(s, "a suspended holder", (Consumer<Remit>) r -> r.suspendAgent("orch"), "orch", "root",
          "'orch', the holder of parent grant 'root', is not active (suspended)"));
      out.add(Arguments.of(s, "a revoked holder", (Consumer<Remit>) r -> r.revokeAgent("orch"), "orch", "root",
          "'orch', the holder of parent grant 'root', is not active (revoked)"));
      out.add(Arguments.of(s, "a component whose agent is suspended", (Consumer<Remit>) r -> r.suspendAgent("bot"),
          "bot.planner", "comp", "'bot.planner', the holder of parent grant 'comp', is not active (suspended)"));
      out.add(Arguments.of(s, "a suspended component holder", (Consumer<Remit>) r -> r.suspendAgent("bot.planner"),
          "bot.planner", "comp", "'bot.planner', the holder of parent grant 'comp', is not active (suspended)"));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("inactiveHolders")
  void anInactiveHolderCannotDelegate(Source source, String what, Consumer<Remit> deactivate, String delegator,
      String parent, String why) {
    try (Remit remit = world(source, null)) {
      deactivate.accept(remit);
      assertThatThrownBy(() -> remit.delegate(delegator,
          subGrant("sub", parent, "helper").allow("payments", ALL_OPS, "acct/1").build()))
          .isInstanceOf(GrantRefusedException.class)
          .hasMessage("grant sub refused: " + why);
      assertThat(remit.grant("sub")).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"DOCUMENT", "RUNTIME"})
  void issueRefusesASubGrantAndDelegateARootGrantAndNeitherIssuesAnything(Source source) {
    try (Remit remit = world(source, null)) {
      Grant sub = subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1").build();
      assertThatThrownBy(() -> remit.issue(sub)).isInstanceOf(GrantRefusedException.class)
          .hasMessageContaining("a sub-grant is delegated by the holder of its parent grant: use delegate(delegator, grant)");
      Grant root = rootGrant("r2", "worker").allow("payments", ALL_OPS, "acct/1").build();
      for (String delegator : List.of("orch", "worker", "alice")) {
        assertThatThrownBy(() -> remit.delegate(delegator, root)).isInstanceOf(GrantRefusedException.class)
            .hasMessageContaining("a root grant is issued for its principal with issue(grant), not delegated");
      }
      assertThat(remit.grant("sub")).isNull();
      assertThat(remit.grant("r2")).isNull();
      assertThat(remit.authorize(transfer("worker", 1)).codes()).containsExactly(ReasonCode.NO_MATCHING_GRANT);
      // both ids are still free for the right entry point
      remit.delegate("orch", sub);
      remit.issue(root);
      assertThat(remit.activeGrants()).extracting(Grant::id).contains("sub", "r2");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"DOCUMENT", "RUNTIME"})
  void theChainNamesEachDelegatorAsTheIssuerOfTheHopBelowIt(Source source) {
    try (Remit remit = world(source, null)) {
      remit.delegate("orch", subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**").build());
      remit.delegate("worker", subGrant("leaf", "sub", "helper").allow("payments", ALL_OPS, "acct/1").build());
      remit.delegate("bot", subGrant("to-comp", "botg", "bot.connector").allow("payments", ALL_OPS, "acct/1").build());
      Decision d = remit.authorize(transfer("helper", 1));
      assertThat(d.allowed()).as(d.explain()).isTrue();
      assertThat(d.chain().principal()).isEqualTo("alice");
      assertThat(d.chain().hops()).containsExactly(
          new DelegationChain.Hop("root", "orch", "alice", null),
          new DelegationChain.Hop("sub", "worker", "orch", null),
          new DelegationChain.Hop("leaf", "helper", "worker", null));
      Decision c = remit.authorize(transfer("bot.connector", 1));
      assertThat(c.chain().hops()).containsExactly(
          new DelegationChain.Hop("botg", "bot", "alice", null),
          new DelegationChain.Hop("to-comp", "bot.connector", "bot", null));
      assertThat(AuthZen.toJson(d, AuthZen.Disclosure.OPERATOR))
          .contains("{\"grant\":\"leaf\",\"holder\":\"helper\",\"issued_by\":\"worker\"}");
    }
  }

  // ------------------------------------------------------------------ re-binding a root grant

  private static Policy rootFor(String principal, String version) {
    return base().version(version)
        .principal(Principal.human("carol", List.of(Scope.all("**", "**"))))
        .grant(Grant.builder("root").principal(principal).holder("orch").expiresAt(Fixtures.IN_ONE_HOUR)
            .allow("payments", ALL_OPS, "acct/**").build())
        .build();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aDocumentThatRebindsARootToAnotherPrincipalBreaksTheChainsIssuedUnderIt(boolean cached) {
    try (Remit remit = Fixtures.remit(rootFor("alice", "v1"), Fixtures.clock(), cached)) {
      remit.delegate("orch", subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/1").build());
      remit.delegate("worker", subGrant("subsub", "sub", "helper").allow("payments", ALL_OPS, "acct/1").build());
      for (int i = 0; i < 2; i++) {
        assertThat(remit.authorize(transfer("worker", 1)).allowed()).isTrue();
        assertThat(remit.authorize(transfer("helper", 1)).allowed()).isTrue();
      }

      remit.swapPolicy(rootFor("carol", "v2"));

      Decision w = remit.authorize(transfer("worker", 1));
      assertThat(w.outcome()).isEqualTo(Outcome.DENY);
      assertThat(w.codes()).containsExactly(ReasonCode.CHAIN_BROKEN);
      assertThat(w.reasons().get(0).message())
          .isEqualTo("grant 'sub' was issued acting for 'alice' but its parent 'root' now acts for 'carol'");
      assertThat(w.grant()).isEqualTo("sub");
      // the chain tells the same story: the sub-grant's principal, the root now issued by carol
      assertThat(w.chain().principal()).isEqualTo("alice");
      assertThat(w.chain().hops()).extracting(DelegationChain.Hop::grant).containsExactly("root", "sub");
      assertThat(w.chain().hops().get(0).issuedBy()).isEqualTo("carol");
      assertThat(w.chain().hops().get(1).issuedBy()).isEqualTo("orch");

      Decision h = remit.authorize(transfer("helper", 1));
      assertThat(h.codes()).containsExactly(ReasonCode.CHAIN_BROKEN);
      assertThat(h.reasons().get(0).message()).isEqualTo(
          "grant 'sub' (ancestor of 'subsub') was issued acting for 'alice' but its parent 'root' now acts for 'carol'");
      assertThat(h.chain().principal()).isEqualTo("alice");
      assertThat(h.chain().hops()).extracting(DelegationChain.Hop::grant).containsExactly("root", "sub", "subsub");

      // the sub-grants stay alice's; the root's holder now acts for carol
      assertThat(remit.grant("sub").principal()).isEqualTo("alice");
      assertThat(remit.grant("subsub").principal()).isEqualTo("alice");
      Decision o = remit.authorize(transfer("orch", 1));
      assertThat(o.allowed()).isTrue();
      assertThat(o.chain().principal()).isEqualTo("carol");
      assertThatThrownBy(() -> remit.delegate("orch", subGrant("again", "root", "worker").principal("alice")
          .allow("payments", ALL_OPS, "acct/**").build()))
          .isInstanceOf(GrantRefusedException.class).hasMessageContaining("but its chain acts for 'carol'");
      Grant forCarol = remit.delegate("orch", subGrant("for-carol", "root", "worker")
          .allow("payments", ALL_OPS, "acct/2").build());
      assertThat(forCarol.principal()).isEqualTo("carol");
      assertThat(remit.authorize(Fixtures.call("worker", "payments", "transfer", "acct/2").arg("amount", 1).build())
          .chain().principal()).isEqualTo("carol");

      // binding the root back to alice mends the chains issued for her
      remit.swapPolicy(rootFor("alice", "v3"));
      assertThat(remit.authorize(transfer("worker", 1)).allowed()).isTrue();
      assertThat(remit.authorize(transfer("helper", 1)).allowed()).isTrue();
      Decision c = remit.authorize(Fixtures.call("worker", "payments", "transfer", "acct/2").arg("amount", 1).build());
      assertThat(c.codes()).containsExactly(ReasonCode.CHAIN_BROKEN);
      assertThat(c.reasons().get(0).message())
          .isEqualTo("grant 'for-carol' was issued acting for 'carol' but its parent 'root' now acts for 'alice'");
    }
  }

  @Test
  void nothingCanBeDelegatedBelowAChainThatARebindingOrAReholdingBroke() {
    try (Remit remit = Fixtures.remit(rootFor("alice", "v1"), Fixtures.clock())) {
      remit.delegate("orch", subGrant("sub", "root", "worker").allow("payments", ALL_OPS, "acct/**").build());
      remit.delegate("worker", subGrant("mid", "sub", "helper").allow("payments", ALL_OPS, "acct/**").build());
      Grant below = subGrant("below", "sub", "helper").allow("payments", ALL_OPS, "acct/1").build();
      Grant deeper = subGrant("deeper", "mid", "bot").allow("payments", ALL_OPS, "acct/1").build();

      remit.swapPolicy(rootFor("carol", "v2")); // the root now acts for carol
      assertThatThrownBy(() -> remit.delegate("worker", below)).isInstanceOf(GrantRefusedException.class)
          .hasMessage("grant below refused: grant 'sub' above it in the chain was issued acting for 'alice'"
              + " but its parent 'root' now acts for 'carol'");
      assertThatThrownBy(() -> remit.delegate("helper", deeper)).isInstanceOf(GrantRefusedException.class)
          .hasMessageContaining("grant 'sub' above it in the chain was issued acting for 'alice'");

      remit.swapPolicy(base().version("v3") // the root now held by helper, for alice again
          .grant(rootGrant("root", "helper").allow("payments", ALL_OPS, "acct/**").build()).build());
      assertThatThrownBy(() -> remit.delegate("worker", below)).isInstanceOf(GrantRefusedException.class)
          .hasMessage("grant below refused: grant 'sub' above it in the chain was issued by 'orch'"
              + " but its parent 'root' is held by 'helper'");
      assertThat(remit.grant("below")).isNull();
      assertThat(remit.grant("deeper")).isNull();

      remit.swapPolicy(rootFor("alice", "v4")); // mended: delegation works again
      assertThat(remit.delegate("worker", below).principal()).isEqualTo("alice");
      assertThat(remit.delegate("helper", deeper).principal()).isEqualTo("alice");
      assertThat(remit.authorize(transfer("bot", 1)).allowed()).isTrue();
    }
  }

  @Test
  void aRuntimeRootCannotBeReboundByADocumentThatReusesItsId() {
    try (Remit remit = Fixtures.remit(base().principal(Principal.human("carol", List.of(Scope.all("**", "**"))))
        .build(), Fixtures.clock())) {
      remit.issue(rootGrant("rt", "orch").allow("payments", ALL_OPS, "acct/**").build());
      remit.delegate("orch", subGrant("sub", "rt", "worker").allow("payments", ALL_OPS, "acct/1").build());
      Policy rebinding = base().version("v2").principal(Principal.human("carol", List.of(Scope.all("**", "**"))))
          .grant(Grant.builder("rt").principal("carol").holder("orch").expiresAt(Fixtures.IN_ONE_HOUR)
              .allow("payments", ALL_OPS, "acct/**").build()).build();
      assertThatThrownBy(() -> remit.swapPolicy(rebinding)).isInstanceOf(PolicyException.class)
          .hasMessageContaining("grant id 'rt' is already used by a grant issued at runtime");
      assertThat(remit.policy().version()).isEqualTo("test-1");
      Decision d = remit.authorize(transfer("worker", 1));
      assertThat(d.allowed()).isTrue();
      assertThat(d.chain().principal()).isEqualTo("alice");
    }
  }
}
