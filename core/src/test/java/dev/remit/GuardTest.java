package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class GuardTest {
  private final MemoryAuditSink mem = AuditSinks.memory();

  private Remit remit() {
    return AuditFixture.remit(AuditTrail.builder().sink(mem).build());
  }

  @Test
  void anAllowedCallRunsOnceAndItsOutcomeIsLinkedToTheDecision() {
    try (Remit remit = remit()) {
      String result = Guard.of(remit).call(AuditFixture.refund(20), ex -> {
        ex.changed("refund_id", "r-1").credentialIssued("cred-9");
        return "refunded " + ex.args().get("amount");
      });
      assertThat(result).isEqualTo("refunded 20");
      remit.auditTrail().flush();
      AuditRecord.DecisionRecord d = mem.decisions().get(0);
      AuditRecord.OutcomeRecord o = mem.outcomes().get(0);
      assertThat(o.decisionId()).isEqualTo(d.decisionId());
      assertThat(o.status()).isEqualTo(AuditRecord.Status.SUCCEEDED);
      assertThat(o.changes()).isEqualTo(Map.of("refund_id", "r-1"));
      assertThat(o.credentials()).containsExactly("cred-9");
      assertThat(o.argsDigest()).isEqualTo(d.argsDigest());
      assertThat(o.executedArgsDigest()).isEqualTo(d.argsDigest());
      assertThat(o.durationNanos()).isPositive();
      assertThat(o.error()).isNull();
      assertThat(o.refunded()).isFalse();
      assertThat(o.subject()).isEqualTo("refunder");
      assertThat(o.tool()).isEqualTo("billing");
      assertThat(o.operation()).isEqualTo("refund");
      assertThat(o.resource()).isEqualTo("invoices/42");
      assertThat(o.traceparent()).isEqualTo(d.traceparent());
      assertThat(o.time()).isEqualTo(AuditFixture.NOW);
    }
  }

  @Test
  void aDeniedCallThrowsNotAuthorizedAndTheToolNeverRuns() {
    try (Remit remit = remit()) {
      AtomicBoolean ran = new AtomicBoolean();
      assertThatThrownBy(() -> Guard.of(remit).call(
          Request.of("refunder", "billing", "refund").resource("crm/1").build(), ex -> ran.getAndSet(true)))
          .isExactlyInstanceOf(NotAuthorizedException.class)
          .satisfies(e -> assertThat(((NotAuthorizedException) e).decision().outcome()).isEqualTo(Outcome.DENY));
      assertThat(ran).isFalse();
      remit.auditTrail().flush();
      assertThat(mem.outcomes()).isEmpty();
      assertThat(mem.decisions()).hasSize(1);
    }
  }

  @Test
  void aCallNeedingApprovalThrowsApprovalRequiredCarryingTheDecision() {
    try (Remit remit = remit()) {
      assertThatThrownBy(() -> Guard.of(remit).call(AuditFixture.refund(5000), ex -> "no"))
          .isInstanceOf(ApprovalRequiredException.class)
          .satisfies(e -> assertThat(((ApprovalRequiredException) e).decision().obligations(Obligation.APPROVAL)).hasSize(1));
    }
  }

  @Test
  void argumentsThatDifferFromTheAuthorizedOnesAreBlockedBeforeTheToolRunsAndRecorded() {
    try (Remit remit = remit()) {
      Map<String, Object> executed = new HashMap<>(AuditFixture.refund(20).args());
      executed.put("amount", 900);
      AtomicBoolean ran = new AtomicBoolean();
      assertThatThrownBy(() -> Guard.of(remit).call(AuditFixture.refund(20), executed, ex -> ran.getAndSet(true)))
          .isInstanceOf(ArgumentMismatchException.class)
          .hasMessageContaining("differ from the arguments authorized by decision");
      assertThat(ran).isFalse();
      remit.auditTrail().flush();
      AuditRecord.OutcomeRecord o = mem.outcomes().get(0);
      assertThat(o.status()).isEqualTo(AuditRecord.Status.BLOCKED_ARGUMENT_MISMATCH);
      assertThat(o.executedArgsDigest()).isNotEqualTo(o.argsDigest());
      assertThat(o.durationNanos()).isZero();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void argumentsEqualInCanonicalFormRunWithAnImmutableCopy() {
    try (Remit remit = remit()) {
      Map<String, Object> executed = new HashMap<>(AuditFixture.refund(20).args());
      executed.put("amount", 20.0); // same number, written differently
      Object args = Guard.of(remit).call(AuditFixture.refund(20), executed, Guard.Execution::args);
      assertThatThrownBy(() -> ((Map<String, Object>) args).put("amount", 1)).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void theInterceptorShapeGuardsAFrameworksInvocation() {
    try (Remit remit = remit()) {
      Request req = AuditFixture.refund(20);
      Guard.Invocation<String> inv = new Guard.Invocation<>() {
        @Override
        public Request request() {
          return req;
        }

        @Override
        public Map<String, Object> arguments() {
          return Map.of("amount", 20, "card_number", "4111111111111111");
        }

        @Override
        public String proceed(Guard.Execution ex) {
          return "ok";
        }
      };
      assertThat(Guard.of(remit).intercept(inv)).isEqualTo("ok");
    }
  }

  @Test
  void aFailedCallKeepsItsChargeByDefaultAndIsRecordedWithItsError() {
    try (Remit remit = remit()) {
      assertThatThrownBy(() -> Guard.of(remit).call(AuditFixture.refund(20), ex -> {
        throw new IOException("gateway timeout");
      })).isInstanceOf(ToolFailedException.class).hasCauseInstanceOf(IOException.class);
      assertThat(remit.remainingCalls("g-sub")).isEqualTo(2);
      remit.auditTrail().flush();
      AuditRecord.OutcomeRecord o = mem.outcomes().get(0);
      assertThat(o.status()).isEqualTo(AuditRecord.Status.FAILED);
      assertThat(o.error()).isEqualTo("java.io.IOException: gateway timeout");
      assertThat(o.refunded()).isFalse();
    }
  }

  @Test
  void underRefundFailedCallsAFailedCallReleasesTheBudgetItsDecisionCharged() {
    try (Remit remit = remit()) {
      Guard guard = Guard.of(remit, Guard.BudgetPolicy.REFUND_FAILED_CALLS);
      assertThatThrownBy(() -> guard.call(AuditFixture.refund(20), ex -> {
        throw new IllegalStateException("boom");
      })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
      assertThat(remit.remainingCalls("g-sub")).isEqualTo(3);
      guard.call(AuditFixture.refund(20), ex -> 1);
      assertThat(remit.remainingCalls("g-sub")).isEqualTo(2);
      remit.auditTrail().flush();
      assertThat(mem.outcomes()).extracting(AuditRecord.OutcomeRecord::refunded).containsExactly(true, false);
    }
  }

  @Test
  void aGuardWorksWithoutAnAuditTrail() {
    Remit remit = Remit.builder().policy(AuditFixture.policy()).clock(AuditFixture.CLOCK).build();
    List<Integer> out = Guard.of(remit).call(AuditFixture.refund(20), ex -> List.of(1));
    assertThat(out).containsExactly(1);
  }
}
