package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.remit.spi.ApprovalAnswer;
import dev.remit.spi.ApprovalHandler;
import dev.remit.spi.ApprovalQuestion;
import dev.remit.spi.CredentialBroker;
import dev.remit.spi.CredentialRequest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guard over the two host seams it calls: the credential broker (a call whose grant declares a
 * credential runs only with one that fits the obligation; otherwise it is blocked, recorded and
 * its budget released) and the approval handler (an answer becomes an approval Remit issues after
 * checking the approver; only a valid one lets the call run, once).
 *
 * <p>World: {@link AuditFixture}: refunder calls billing.refund for task T-1 through g-sub (three
 * calls, credential billing-api / refund for at most five minutes); refunds over 1000 need an
 * approval in role finance, which alice holds.
 */
class GuardSeamsTest {
  private static final Instant NOW = AuditFixture.NOW;

  private final MemoryAuditSink mem = AuditSinks.memory();
  private final List<CredentialRequest> asked = Collections.synchronizedList(new ArrayList<>());

  private Remit remit(CredentialBroker broker) {
    Remit.Builder b = Remit.builder().policy(AuditFixture.policy()).clock(AuditFixture.CLOCK)
        .audit(AuditTrail.builder().sink(mem).build());
    if (broker != null) {
      b.credentialBroker(r -> {
        asked.add(r);
        return broker.mint(r);
      });
    }
    return b.build();
  }

  private static Credential credential(String id, CredentialRequest r, Instant expiresAt) {
    return new Credential(id, "bearer", r.obligation().audience(), r.obligation().scopes(), expiresAt, "s3cr3t-" + id);
  }

  private AuditRecord.OutcomeRecord onlyOutcome(Remit remit) {
    remit.auditTrail().flush();
    assertThat(mem.outcomes()).hasSize(1);
    return mem.outcomes().get(0);
  }

  // ------------------------------------------------------------------ credentials

  @Test
  void anAllowWithACredentialObligationRunsWithTheBrokersCredentialAndRecordsItsId() {
    try (Remit remit = remit(r -> credential("cred-1", r, NOW.plus(r.obligation().ttl())))) {
      List<Credential> seen = new ArrayList<>();
      String out = Guard.of(remit).call(AuditFixture.refund(20), ex -> {
        seen.addAll(ex.credentials());
        ex.credentialIssued("downstream-7");
        return "ok";
      });
      assertThat(out).isEqualTo("ok");
      assertThat(asked).hasSize(1);
      CredentialRequest r = asked.get(0);
      assertThat(r.obligation().audience()).isEqualTo("billing-api");
      assertThat(r.obligation().scopes()).containsExactly("refund");
      assertThat(r.obligation().ttl()).isEqualTo(Duration.ofMinutes(5));
      assertThat(r.obligation().grant()).isEqualTo("g-sub");
      assertThat(r.chain().hops()).extracting(DelegationChain.Hop::grant).containsExactly("g-root", "g-sub");
      assertThat(r.decision().allowed()).isTrue();
      assertThat(seen).extracting(Credential::id).containsExactly("cred-1");
      assertThat(seen.get(0).secret()).isEqualTo("s3cr3t-cred-1");

      AuditRecord.OutcomeRecord o = onlyOutcome(remit);
      assertThat(o.status()).isEqualTo(AuditRecord.Status.SUCCEEDED);
      assertThat(o.credentials()).containsExactly("cred-1", "downstream-7");
      assertThat(o.decisionId()).isEqualTo(r.decision().id());
      assertThat(mem.records().toString()).as("the secret is never recorded").doesNotContain("s3cr3t");
      assertThat(remit.remainingCalls("g-sub")).isEqualTo(2);
    }
  }

  @Test
  void withoutABrokerTheCallRunsWithNoCredentialAndTheHostMintsFromTheObligation() {
    try (Remit remit = remit(null)) {
      AtomicInteger ran = new AtomicInteger();
      Guard.of(remit).call(AuditFixture.refund(20), ex -> {
        assertThat(ex.credentials()).isEmpty();
        assertThat(ex.decision().obligations(Obligation.MintCredential.class)).hasSize(1);
        return ran.incrementAndGet();
      });
      assertThat(ran).hasValue(1);
    }
  }

  static Stream<Arguments> badBrokers() {
    return Stream.of(
        Arguments.of("throws a checked exception", (CredentialBroker) r -> {
          throw new IOException("vault sealed");
        }),
        Arguments.of("throws a runtime exception", (CredentialBroker) r -> {
          throw new IllegalStateException("no signing key");
        }),
        Arguments.of("throws an AssertionError", (CredentialBroker) r -> {
          throw new AssertionError("broker invariant");
        }),
        Arguments.of("throws a StackOverflowError", (CredentialBroker) r -> {
          throw new StackOverflowError("deep");
        }),
        Arguments.of("answers null", (CredentialBroker) r -> null),
        Arguments.of("answers a credential for another audience", (CredentialBroker) r ->
            new Credential("c", "bearer", "payroll-api", r.obligation().scopes(), NOW.plusSeconds(60), "x")),
        Arguments.of("answers a credential that lives longer than the obligation", (CredentialBroker) r ->
            credential("c", r, NOW.plus(r.obligation().ttl()).plus(Duration.ofMinutes(1)))),
        Arguments.of("answers a credential that lives an hour", (CredentialBroker) r ->
            credential("c", r, NOW.plus(Duration.ofHours(1)))),
        Arguments.of("answers a credential with wider scopes", (CredentialBroker) r ->
            new Credential("c", "bearer", r.obligation().audience(), List.of("refund", "read", "admin"),
                NOW.plusSeconds(60), "x")),
        Arguments.of("answers a credential with another scope", (CredentialBroker) r ->
            new Credential("c", "bearer", r.obligation().audience(), List.of("read"), NOW.plusSeconds(60), "x")));
  }

  @ParameterizedTest(name = "a broker that {0}")
  @MethodSource("badBrokers")
  void aBrokerThatCannotMintAFittingCredentialBlocksTheCallRecordsItAndReleasesItsBudget(String what,
      CredentialBroker broker) {
    try (Remit remit = remit(broker)) {
      AtomicInteger ran = new AtomicInteger();
      assertThatThrownBy(() -> Guard.of(remit).call(AuditFixture.refund(20), ex -> ran.incrementAndGet()))
          .isInstanceOf(CredentialUnavailableException.class)
          .hasMessage("the credential this call needs could not be issued")
          .satisfies(e -> assertThat(((CredentialUnavailableException) e).operatorMessage()).isNotBlank());
      assertThat(ran).as("the tool never ran").hasValue(0);
      AuditRecord.OutcomeRecord o = onlyOutcome(remit);
      assertThat(o.status()).isEqualTo(AuditRecord.Status.BLOCKED_NO_CREDENTIAL);
      assertThat(o.refunded()).isTrue();
      assertThat(o.credentials()).isEmpty();
      assertThat(o.durationNanos()).isZero();
      assertThat(remit.remainingCalls("g-sub")).as("budget released").isEqualTo(3);
    }
  }

  @Test
  void aCredentialWithinTheObligationIsAcceptedNarrowerScopesAndShorterLifeIncluded() {
    try (Remit remit = remit(r -> new Credential("c", "bearer", r.obligation().audience(), List.of(),
        NOW.plusSeconds(30), "x"))) {
      Integer minted = Guard.of(remit).call(AuditFixture.refund(20), ex -> ex.credentials().size());
      assertThat(minted).isEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ approvals

  private static Guard guard(Remit remit, ApprovalHandler handler) {
    return Guard.builder(remit).approvals(handler, Duration.ofSeconds(30)).build();
  }

  @Test
  void anApprovingHandlerMakesTheCallRunOnceWithItsApprovalUsedUp() {
    try (Remit remit = remit(r -> credential("cred", r, NOW.plusSeconds(60)))) {
      List<ApprovalQuestion> questions = new ArrayList<>();
      Guard guard = guard(remit, q -> {
        questions.add(q);
        return ApprovalAnswer.approved("alice", "finance", Duration.ofMinutes(2));
      });
      List<Decision> ran = new ArrayList<>();
      guard.call(AuditFixture.refund(5000), ex -> ran.add(ex.decision()));
      assertThat(ran).hasSize(1);
      Decision d = ran.get(0);
      assertThat(d.codes()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED);
      assertThat(d.approval()).isNotNull();
      assertThat(questions).hasSize(1);
      assertThat(questions.get(0).needed()).extracting(Obligation.ApprovalNeeded::approverRole).containsExactly("finance");
      assertThat(questions.get(0).timeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(questions.get(0).decision().outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
      // the approval was used: presenting it again asks again
      Decision again = remit.authorize(AuditFixture.refund(5000).withContext("approval", d.approval()));
      assertThat(again.codes()).containsExactly(ReasonCode.APPROVAL_REQUIRED, ReasonCode.APPROVAL_INVALID);
      // a call that needs no approval never asks
      guard.call(AuditFixture.refund(20), ex -> ran.add(ex.decision()));
      assertThat(questions).hasSize(1);
      assertThat(ran).hasSize(2);
    }
  }

  static Stream<Arguments> unhelpfulHandlers() {
    return Stream.of(
        Arguments.of("refuses", (ApprovalHandler) q -> ApprovalAnswer.refused("not today")),
        Arguments.of("is still pending", (ApprovalHandler) q -> ApprovalAnswer.pending()),
        Arguments.of("answers null", (ApprovalHandler) q -> null),
        Arguments.of("throws", (ApprovalHandler) q -> {
          throw new IOException("chat service down");
        }),
        Arguments.of("names an approver without the role", (ApprovalHandler) q ->
            ApprovalAnswer.approved("alice", "cfo", Duration.ofMinutes(1))),
        Arguments.of("names an unknown approver", (ApprovalHandler) q ->
            ApprovalAnswer.approved("mallory", "finance", Duration.ofMinutes(1))),
        Arguments.of("names the agent's own service identity", (ApprovalHandler) q ->
            ApprovalAnswer.approved("support-bot", "finance", Duration.ofMinutes(1))));
  }

  @ParameterizedTest(name = "a handler that {0}")
  @MethodSource("unhelpfulHandlers")
  void aHandlerThatDoesNotApproveValidlyLeavesTheToolNotRun(String what, ApprovalHandler handler) {
    try (Remit remit = remit(r -> credential("cred", r, NOW.plusSeconds(60)))) {
      AtomicInteger ran = new AtomicInteger();
      assertThatThrownBy(() -> guard(remit, handler).call(AuditFixture.refund(5000), ex -> ran.incrementAndGet()))
          .isInstanceOf(ApprovalRequiredException.class)
          .satisfies(e -> {
            Decision d = ((ApprovalRequiredException) e).decision();
            assertThat(d.outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
            assertThat(e.getMessage()).doesNotContain("alice").doesNotContain("mallory").doesNotContain("cfo");
          });
      assertThat(ran).hasValue(0);
      assertThat(asked).as("no credential was minted").isEmpty();
      assertThat(remit.remainingCalls("g-sub")).isEqualTo(3);
    }
  }

  @Test
  void aCallTwoRolesGuardRunsOnlyWhenTheHandlerNamesAnApproverForEachRole() {
    Policy p = Fixtures.base()
        .rule(Rule.requireApproval("money", "finance").risk(RiskClass.MONEY_MOVEMENT).build())
        .rule(Rule.requireApproval("big", "cfo").tool("payments").when("args.amount > 1000").build())
        .build();
    try (Remit remit = Fixtures.remit(p, Fixtures.clock())) {
      Fixtures.issue(remit, Fixtures.rootGrant("g", "worker").allow("payments", Fixtures.ALL_OPS, "acct/**"));
      AtomicInteger ran = new AtomicInteger();
      Guard one = guard(remit, q -> ApprovalAnswer.approved("alice", "finance", Duration.ofMinutes(1)));
      assertThatThrownBy(() -> one.call(Fixtures.transfer("worker", 5000), ex -> ran.incrementAndGet()))
          .isInstanceOf(ApprovalRequiredException.class);
      assertThat(ran).hasValue(0);
      Guard both = guard(remit, q -> ApprovalAnswer.approved(List.of(
          new ApprovalAnswer.By("alice", "finance", Duration.ofMinutes(1)),
          new ApprovalAnswer.By("bob", "cfo", Duration.ofMinutes(1)))));
      both.call(Fixtures.transfer("worker", 5000), ex -> ran.incrementAndGet());
      assertThat(ran).hasValue(1);
    }
  }
}
