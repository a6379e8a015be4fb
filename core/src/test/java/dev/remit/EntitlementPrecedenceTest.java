package dev.remit;

import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A principal's current entitlements are the narrower of its document entitlements and its runtime
 * restriction: a restriction narrows, never widens; a newer, narrower document narrows a principal
 * that carries a restriction; lifting the restriction leaves the document's alone. For root grants
 * and the chains delegated below them, cached or not.
 */
class EntitlementPrecedenceTest {
  private static final List<String> TRANSFER = List.of("transfer");

  /** dana may transfer on the given accounts and read the crm, per the document. */
  private static Policy document(String version, String... accounts) {
    List<Scope> ents = new java.util.ArrayList<>();
    for (String a : accounts) {
      ents.add(Scope.of("payments", TRANSFER, a));
    }
    ents.add(Scope.all("crm", "crm/**"));
    return base().version(version).principal(Principal.human("dana", ents)).build();
  }

  /** dana's root grant to orch on every account, and orch's sub-grant to worker. */
  private static Remit world(boolean cached) {
    Remit remit = Fixtures.remit(document("wide", "acct/**"), Fixtures.clock(), cached);
    remit.issue(Grant.builder("root").principal("dana").holder("orch").expiresAt(Fixtures.IN_ONE_HOUR)
        .allow("payments", TRANSFER, "acct/**").allow("crm", List.of("read"), "crm/**").build());
    remit.delegate("orch", Fixtures.subGrant("sub", "root", "worker").allow("payments", TRANSFER, "acct/**").build());
    return remit;
  }

  private static Request pay(String subject, String account, Object amount) {
    return call(subject, "payments", "transfer", account).arg("amount", amount).build();
  }

  private static void assertAllowed(Remit remit, Request r) {
    for (int i = 0; i < 2; i++) {
      Decision d = remit.authorize(r);
      assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.ALLOW);
    }
  }

  private static void assertNotEntitled(Remit remit, Request r, boolean byRestriction) {
    for (int i = 0; i < 2; i++) {
      Decision d = remit.authorize(r);
      assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
      assertThat(d.codes()).as(d.explain()).containsExactly(ReasonCode.PRINCIPAL_NOT_ENTITLED);
      String m = d.reasons().get(0).message();
      assertThat(m).startsWith("principal 'dana' is not (any longer) entitled to payments.transfer on '" + r.resource() + "'");
      if (byRestriction) {
        assertThat(m).endsWith("(as restricted at runtime)");
      } else {
        assertThat(m).doesNotContain("restricted");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRestrictionNarrowerThanTheDocumentNarrows(boolean cached) {
    try (Remit remit = world(cached)) {
      for (String who : List.of("orch", "worker")) {
        assertAllowed(remit, pay(who, "acct/2", 500));
      }
      remit.restrictEntitlements("dana", List.of(Scope.of("payments", TRANSFER, "acct/1").withConstraints("args.amount <= 100")));
      for (String who : List.of("orch", "worker")) {
        assertNotEntitled(remit, pay(who, "acct/2", 50), true);
        assertAllowed(remit, pay(who, "acct/1", 50));
        Decision big = remit.authorize(pay(who, "acct/1", 500));
        assertThat(big.codes()).as(big.explain()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
        assertThat(big.reasons().get(0).message())
            .startsWith("principal 'dana', in its runtime restriction, entitlement 0, requires args.amount <= 100");
        Decision missing = remit.authorize(call(who, "payments", "transfer", "acct/1").build());
        assertThat(missing.codes()).containsExactly(ReasonCode.MISSING_ATTRIBUTE);
      }
      Decision crm = remit.authorize(call("orch", "crm", "read", "crm/1").build());
      assertThat(crm.codes()).containsExactly(ReasonCode.PRINCIPAL_NOT_ENTITLED);
      // issuing within the document but beyond the restriction is refused too
      assertThatThrownBy(() -> remit.delegate("orch", Fixtures.subGrant("more", "root", "helper")
          .allow("payments", TRANSFER, "acct/2").build()))
          .isInstanceOf(GrantRefusedException.class).hasMessageContaining("(as restricted at runtime)");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRestrictionWiderThanTheDocumentDoesNotWiden(boolean cached) {
    try (Remit remit = Fixtures.remit(document("narrow", "acct/1"), Fixtures.clock(), cached)) {
      remit.issue(Grant.builder("root").principal("dana").holder("orch").expiresAt(Fixtures.IN_ONE_HOUR)
          .allow("payments", TRANSFER, "acct/1").build());
      remit.restrictEntitlements("dana", List.of(Scope.all("**", "**")));
      assertAllowed(remit, pay("orch", "acct/1", 1));
      // a grant the document would not allow is still refused, restriction or not
      assertThatThrownBy(() -> remit.issue(Grant.builder("wider").principal("dana").holder("orch")
          .expiresAt(Fixtures.IN_ONE_HOUR).allow("payments", TRANSFER, "acct/**").build()))
          .isInstanceOf(GrantRefusedException.class).hasMessageContaining("the entitlements of principal 'dana'");
      assertThatThrownBy(() -> remit.issue(Grant.builder("s3").principal("dana").holder("orch")
          .expiresAt(Fixtures.IN_ONE_HOUR).allow("s3", List.of("get"), "**").build()))
          .isInstanceOf(GrantRefusedException.class);
      assertThat(remit.authorize(call("orch", "s3", "get", "b/1").build()).codes())
          .containsExactly(ReasonCode.NO_MATCHING_GRANT);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aNewerNarrowerDocumentNarrowsAPrincipalThatCarriesARestriction(boolean cached) {
    try (Remit remit = world(cached)) {
      // a wide restriction: the newer document alone decides
      remit.restrictEntitlements("dana", List.of(Scope.all("**", "**")));
      remit.swapPolicy(document("narrow", "acct/1"));
      for (String who : List.of("orch", "worker")) {
        assertAllowed(remit, pay(who, "acct/1", 1));
        assertNotEntitled(remit, pay(who, "acct/2", 1), false);
      }
      // a narrow restriction and a narrow document: only what both allow
      remit.restrictEntitlements("dana", List.of(Scope.of("payments", TRANSFER, "acct/1"), Scope.of("payments", TRANSFER, "acct/2")));
      remit.swapPolicy(document("other", "acct/2", "acct/3"));
      for (String who : List.of("orch", "worker")) {
        assertNotEntitled(remit, pay(who, "acct/1", 1), false);
        assertAllowed(remit, pay(who, "acct/2", 1));
        assertNotEntitled(remit, pay(who, "acct/3", 1), true);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void liftingTheRestrictionRestoresTheDocumentsEntitlementsAndNoMore(boolean cached) {
    try (Remit remit = world(cached)) {
      remit.restrictEntitlements("dana", List.of(Scope.of("payments", TRANSFER, "acct/1")));
      remit.swapPolicy(document("two", "acct/1", "acct/2"));
      assertNotEntitled(remit, pay("worker", "acct/2", 1), true);
      assertThat(remit.exportState()).filteredOn(c -> c instanceof dev.remit.spi.StateChange.EntitlementsChanged)
          .as("the restriction survived the swap").hasSize(1);

      remit.liftEntitlementRestriction("dana");
      assertAllowed(remit, pay("worker", "acct/2", 1));
      assertAllowed(remit, pay("orch", "acct/1", 1));
      assertNotEntitled(remit, pay("worker", "acct/3", 1), false);
      assertThat(remit.exportState()).noneMatch(c -> c instanceof dev.remit.spi.StateChange.EntitlementsChanged);

      remit.swapPolicy(document("wide-again", "acct/**"));
      assertAllowed(remit, pay("worker", "acct/3", 1));
      // lifting twice, or a principal without a restriction, changes nothing
      remit.liftEntitlementRestriction("dana");
      remit.liftEntitlementRestriction("bob");
      assertAllowed(remit, pay("worker", "acct/3", 1));
    }
  }
}
