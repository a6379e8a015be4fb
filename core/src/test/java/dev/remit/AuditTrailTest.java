package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.remit.spi.AuditSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuditTrailTest {
  /** A maxWait no test reaches: these tests are about a caller that waits for room. */
  static final java.time.Duration LONG_WAIT = java.time.Duration.ofHours(1);

  @Test
  void everyFieldOfADecisionRecordIsFilledFromTheRequestAndDecision() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).build())) {
      Decision d = remit.authorize(AuditFixture.refund(20));
      assertThat(d.allowed()).isTrue();
      remit.auditTrail().flush();

      AuditRecord.DecisionRecord r = mem.decisions().get(0);
      assertThat(r.kind()).isEqualTo("decision");
      assertThat(r.time()).isEqualTo(AuditFixture.NOW);
      assertThat(r.decisionId()).isEqualTo(d.id());
      assertThat(r.outcome()).isEqualTo(Outcome.ALLOW);
      assertThat(r.reasons()).containsExactly(ReasonCode.GRANT_MATCHED);
      assertThat(r.subject()).isEqualTo("refunder");
      assertThat(r.agent()).isEqualTo("support-bot");
      assertThat(r.component()).isEqualTo("refunder");
      assertThat(r.task()).isEqualTo("T-1");
      assertThat(r.grant()).isEqualTo("g-sub");
      assertThat(r.chain().principal()).isEqualTo("alice");
      assertThat(r.chain().hops()).extracting(DelegationChain.Hop::grant).containsExactly("g-root", "g-sub");
      assertThat(r.invoker()).isEqualTo("user:alice@example.com");
      assertThat(r.intentDigest()).isEqualTo(
          "sha256:" + dev.remit.internal.audit.Digests.sha256Hex(
              "Refund the double charge on invoice 42".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(r.intent()).isNull();
      assertThat(r.tool()).isEqualTo("billing");
      assertThat(r.operation()).isEqualTo("refund");
      assertThat(r.resource()).isEqualTo("invoices/42");
      assertThat(r.resourceType()).isEqualTo("invoice");
      assertThat(r.args()).containsEntry("amount", 20).containsEntry("card_number", "4111111111111111");
      assertThat(r.argsDigest()).isEqualTo(dev.remit.internal.audit.Digests.args(
          Map.of("card_number", "4111111111111111", "amount", 20.0)));
      assertThat(r.context()).containsOnlyKeys("user_email", "channel");
      assertThat(r.policyVersion()).isEqualTo("v7");
      assertThat(r.revision()).isEqualTo(d.revision());
      assertThat(r.cached()).isFalse();
      assertThat(r.latencyNanos()).isPositive();
      assertThat(r.obligations()).singleElement().satisfies(o -> {
        assertThat(o.type()).isEqualTo(Obligation.MINT_CREDENTIAL);
        assertThat(o.attributes()).containsEntry("audience", "billing-api");
      });
      assertThat(r.approval()).isNull();
      assertThat(r.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }
  }

  @Test
  void anApprovedCallRecordsTheApprovalItUsedAndARequiredOneRecordsItsObligation() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).build())) {
      Request big = AuditFixture.refund(5000);
      Decision asked = remit.authorize(big);
      Approval a = remit.approve(big, "alice", "finance", java.time.Duration.ofMinutes(5));
      Decision approved = remit.authorize(big.withContext("approval", a.id()));
      assertThat(approved.allowed()).isTrue();
      remit.auditTrail().flush();
      AuditRecord.DecisionRecord first = mem.decisions().get(0);
      AuditRecord.DecisionRecord second = mem.decisions().get(1);
      assertThat(first.decisionId()).isEqualTo(asked.id());
      assertThat(first.outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
      assertThat(first.obligations()).extracting(Obligation::type).containsExactly(Obligation.APPROVAL);
      assertThat(second.approval()).isEqualTo(a.id());
      assertThat(second.reasons()).containsExactly(ReasonCode.GRANT_MATCHED, ReasonCode.APPROVAL_ACCEPTED);
      assertThat(second.context()).containsEntry("approval", a.id());
    }
  }

  @Test
  void malformedAndNullRequestsAreRecordedToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    MemoryAuditSink mem = AuditSinks.memory();
    java.nio.file.Path log = dir.resolve("a.jsonl");
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).sink(AuditSinks.jsonLines(log).build()).build())) {
      remit.authorize(null);
      remit.authorize(Request.of(null, "billing", null).arg("x", new StringBuilder("odd")).build());
      remit.auditTrail().flush();
      assertThat(mem.decisions()).extracting(AuditRecord.DecisionRecord::reasons)
          .containsExactly(List.of(ReasonCode.MALFORMED_REQUEST), List.of(ReasonCode.MALFORMED_REQUEST));
      assertThat(mem.decisions().get(0).tool()).isNull();
      assertThat(mem.decisions().get(1).tool()).isEqualTo("billing");
      assertThat(remit.auditTrail().stats().sinkErrors()).isZero();
    }
    assertThat(AuditLog.verify(List.of(log)).result()).isEqualTo(AuditLog.Result.INTACT);
  }

  @Test
  void aDecisionServedFromTheCacheIsMarkedCached() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).build())) {
      Request r = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
      remit.authorize(r);
      remit.authorize(r);
      remit.auditTrail().flush();
      assertThat(mem.decisions()).extracting(AuditRecord.DecisionRecord::cached).containsExactly(false, true);
      assertThat(remit.cacheStats().hits()).isEqualTo(1);
    }
    MemoryAuditSink off = AuditSinks.memory();
    try (Remit remit = Remit.builder().policy(AuditFixture.policy()).clock(AuditFixture.CLOCK).withoutDecisionCache()
        .audit(AuditTrail.builder().sink(off).build()).build()) {
      Request r = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
      remit.authorize(r);
      remit.authorize(r);
      remit.auditTrail().flush();
      assertThat(off.decisions()).extracting(AuditRecord.DecisionRecord::cached).containsExactly(false, false);
    }
  }

  @Test
  void theRawIntentIsRecordedOnlyWhenTheHostOptsIn() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).includeRawIntent().build())) {
      remit.authorize(AuditFixture.refund(20));
      remit.auditTrail().flush();
      assertThat(mem.decisions().get(0).intent()).isEqualTo("Refund the double charge on invoice 42");
    }
  }

  @Test
  void aDeniedDecisionOfATopLevelAgentHasNoComponentAndNoChain() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).build())) {
      remit.authorize(Request.of("support-bot", "billing", "refund").resource("crm/1").build());
      remit.auditTrail().flush();
      AuditRecord.DecisionRecord r = mem.decisions().get(0);
      assertThat(r.outcome()).isEqualTo(Outcome.DENY);
      assertThat(r.agent()).isEqualTo("support-bot");
      assertThat(r.component()).isNull();
      assertThat(r.invoker()).isNull();
      assertThat(r.intentDigest()).isNull();
      assertThat(r.traceparent()).isNull();
      assertThat(r.args()).isEmpty();
    }
  }

  @Test
  void redactionReplacesConfiguredPathsBeforeAnySinkSeesTheRecord() {
    MemoryAuditSink mem = AuditSinks.memory();
    AuditTrail trail = AuditTrail.builder().sink(mem)
        .redact("args.card_number", "context.user_email", "invoker", "changes.token").build();
    try (Remit remit = AuditFixture.remit(trail)) {
      Guard.of(remit).call(AuditFixture.refund(20), ex -> ex.changed("token", "s3cret").changed("refund_id", "r-1"));
      trail.flush();
      AuditRecord.DecisionRecord r = mem.decisions().get(0);
      assertThat(r.args()).containsEntry("card_number", "[REDACTED]").containsEntry("amount", 20);
      assertThat(r.context()).containsEntry("user_email", "[REDACTED]").containsEntry("channel", "chat");
      assertThat(r.invoker()).isEqualTo("[REDACTED]");
      assertThat(r.argsDigest()).isEqualTo(dev.remit.internal.audit.Digests.args(AuditFixture.refund(20).args()));
      assertThat(mem.outcomes().get(0).changes()).containsEntry("token", "[REDACTED]").containsEntry("refund_id", "r-1");
    }
  }

  @Test
  void nestedAndWildcardRedactionPathsReachIntoMapsAndLists() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).redact("args.payer.*", "args.items.sku").build())) {
      remit.authorize(Request.of("refunder", "billing", "refund").resource("invoices/1")
          .arg("payer", Map.of("name", "Bob", "iban", "DE00"))
          .arg("items", List.of(Map.of("sku", "A", "qty", 1))).arg("amount", 5).build());
      remit.auditTrail().flush();
      Map<String, Object> args = mem.decisions().get(0).args();
      assertThat(args.get("payer")).isEqualTo(Map.of("name", "[REDACTED]", "iban", "[REDACTED]"));
      assertThat(args.get("items")).isEqualTo(List.of(Map.of("sku", "[REDACTED]", "qty", 1)));
      assertThat(args.get("amount")).isEqualTo(5);
    }
  }

  @Test
  void redactingTheResourceHidesItInDecisionsAndOutcomes() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).redact("resource").build())) {
      Guard.of(remit).call(AuditFixture.refund(20), ex -> 1);
      remit.auditTrail().flush();
      assertThat(mem.decisions().get(0).resource()).isEqualTo("[REDACTED]");
      assertThat(mem.outcomes().get(0).resource()).isEqualTo("[REDACTED]");
    }
  }

  @Test
  void aHostThatRunsTheCallItselfReportsItsOutcomeAndCredentials() {
    MemoryAuditSink mem = AuditSinks.memory();
    AuditTrail trail = AuditTrail.builder().sink(mem).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      Request r = AuditFixture.refund(20);
      Decision d = remit.authorize(r);
      AuditTrail.OutcomeReport report = trail.outcome(r, d).credentialIssued("cred-1").changed("rows", 1)
          .took(java.time.Duration.ofMillis(3)).executedArgs(Map.of("amount", 21, "card_number", "4111111111111111"));
      report.failed("timeout");
      assertThatThrownBy(report::succeeded).isInstanceOf(IllegalStateException.class)
          .hasMessage("outcome of decision " + d.id() + " already recorded");
      trail.flush();
      AuditRecord.OutcomeRecord o = mem.outcomes().get(0);
      assertThat(o.decisionId()).isEqualTo(d.id());
      assertThat(o.status()).isEqualTo(AuditRecord.Status.FAILED);
      assertThat(o.error()).isEqualTo("timeout");
      assertThat(o.credentials()).containsExactly("cred-1");
      assertThat(o.changes()).isEqualTo(Map.of("rows", 1));
      assertThat(o.durationNanos()).isEqualTo(3_000_000);
      assertThat(o.executedArgsDigest()).isNotEqualTo(o.argsDigest());
    }
  }

  @Test
  void aRecordRefusesANegativeLatency() {
    assertThatThrownBy(() -> new AuditRecord.DecisionRecord(AuditFixture.NOW, "d", Outcome.DENY, List.of(), null, null,
        null, null, null, null, null, null, null, null, null, null, null, Map.of(), "sha256:x", Map.of(), "v", 0, false, -1,
        List.of(), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("latencyNanos must not be negative, was -1");
  }

  @Test
  void aRedactionPathMustStartAtARecordField() {
    assertThatThrownBy(() -> AuditTrail.builder().redact("secret.x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("redaction path 'secret.x' must start with one of [args, changes, context, invoker, resource]");
    assertThatThrownBy(() -> AuditTrail.builder().redact("args..x"))
        .hasMessage("redaction path 'args..x' has an empty segment");
  }

  @Test
  void omittingArgumentsKeepsOnlyTheirDigest() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).omitArguments().build())) {
      remit.authorize(AuditFixture.refund(20));
      remit.auditTrail().flush();
      assertThat(mem.decisions().get(0).args()).isEmpty();
      assertThat(mem.decisions().get(0).argsDigest()).startsWith("sha256:");
    }
  }

  @Test
  void aTrailNeedsASink() {
    assertThatThrownBy(() -> AuditTrail.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("an audit trail needs at least one sink: AuditTrail.builder().sink(...)");
  }

  /** A sink whose first write waits until the test opens the gate. */
  static final class GatedSink implements AuditSink {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public void write(AuditRecord record) throws InterruptedException {
      entered.countDown();
      gate.await();
      writes.incrementAndGet();
    }
  }

  @Test
  void aFullQueueUnderDropLosesRecordsButCountsThemAndNeverDelaysTheCaller() throws Exception {
    GatedSink sink = new GatedSink();
    AuditTrail trail = AuditTrail.builder().sink(sink).queueCapacity(2).whenFull(AuditTrail.QueuePolicy.DROP).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      Request r = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
      remit.authorize(r);
      assertThat(sink.entered.await(10, TimeUnit.SECONDS)).isTrue(); // writer holds record 1
      for (int i = 0; i < 5; i++) {
        assertThat(remit.authorize(r).allowed()).isTrue();
      }
      // queued: two in the queue and record 1, which the writer holds
      assertThat(trail.stats()).isEqualTo(new AuditStats(6, 0, 3, 0, 3));
      sink.gate.countDown();
      trail.flush();
      assertThat(trail.stats()).isEqualTo(new AuditStats(6, 3, 3, 0, 0));
      assertThat(sink.writes).hasValue(3);
    }
  }

  @Test
  void aFullQueueUnderBlockHoldsTheCallerUntilTheWriterMakesRoomWithinMaxWaitAndLosesNothing() throws Exception {
    GatedSink sink = new GatedSink();
    AuditTrail trail = AuditTrail.builder().sink(sink).queueCapacity(1).whenFull(AuditTrail.QueuePolicy.BLOCK)
        .maxWait(LONG_WAIT).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      Request r = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
      remit.authorize(r);
      assertThat(sink.entered.await(10, TimeUnit.SECONDS)).isTrue();
      remit.authorize(r); // fills the queue
      CountDownLatch third = new CountDownLatch(1);
      Thread caller = new Thread(() -> {
        remit.authorize(r);
        third.countDown();
      });
      caller.start();
      awaitParked(caller);
      assertThat(third.getCount()).as("caller waits while the queue is full").isEqualTo(1);
      sink.gate.countDown();
      assertThat(third.await(10, TimeUnit.SECONDS)).isTrue();
      caller.join();
      trail.flush();
      assertThat(trail.stats()).isEqualTo(new AuditStats(3, 3, 0, 0, 0));
    }
  }

  /** Waits (without sleeping) until {@code t} is parked or has ended; fails after 10 s. */
  static void awaitParked(Thread t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.isAlive() && t.getState() != Thread.State.TIMED_WAITING && t.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as("thread never parked").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aQueueCapacityOutsideOneToTwoToTheTwentyFourIsRefusedAtBuildTime() {
    assertThatThrownBy(() -> AuditTrail.builder().queueCapacity(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditTrail.builder().queueCapacity(AuditTrail.MAX_QUEUE_CAPACITY + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 and 16777216");
    AuditTrail largest = AuditTrail.builder().sink(AuditSinks.memory())
        .queueCapacity(AuditTrail.MAX_QUEUE_CAPACITY).build();
    largest.close();
  }

  @Test
  void closingReleasesACallerWaitingForRoomUnderBlockAndCountsItsRecordAsDropped() throws Exception {
    GatedSink sink = new GatedSink();
    AuditTrail trail = AuditTrail.builder().sink(sink).queueCapacity(1).whenFull(AuditTrail.QueuePolicy.BLOCK)
        .maxWait(LONG_WAIT).build();
    Remit remit = AuditFixture.remit(trail);
    Request r = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
    remit.authorize(r);
    assertThat(sink.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the writer holds record 1
    remit.authorize(r); // record 2 fills the queue
    Thread caller = new Thread(() -> remit.authorize(r)); // record 3 waits for room
    caller.start();
    awaitParked(caller);
    assertThat(caller.isAlive()).as("the caller waits while the queue is full").isTrue();
    Thread closer = new Thread(trail::close); // waits for the gated writer, but releases the caller
    closer.start();
    caller.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(caller.isAlive()).as("closing released the waiting caller").isFalse();
    sink.gate.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(closer.isAlive()).isFalse();
    assertThat(trail.stats()).isEqualTo(new AuditStats(3, 2, 1, 0, 0));
  }

  @Test
  void aSinkThatThrowsAnErrorIsCountedLikeAnyFailureAndTheWriterGoesOn() {
    MemoryAuditSink mem = AuditSinks.memory();
    AuditSink buggy = record -> {
      throw new AssertionError("a bug in the sink");
    };
    AuditTrail trail = AuditTrail.builder().sink(buggy).sink(mem).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      Request r = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
      remit.authorize(r);
      remit.authorize(r);
      assertThat(trail.flush()).isTrue();
      assertThat(mem.records()).hasSize(2);
      AuditStats stats = trail.stats();
      assertThat(stats.sinkErrors()).isEqualTo(2);
      assertThat(stats.offered()).isEqualTo(2);
    }
  }

  @Test
  void aWriterStoppedByAVirtualMachineErrorOutsideOneRecordNeverLeavesCallersOrFlushWaiting() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    AuditSink dying = new AuditSink() {
      @Override
      public void write(AuditRecord record) {}

      @Override
      public void flush() {
        entered.countDown();
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        // not about one record: flushing the sink is, so this error stops the writer
        throw new OutOfMemoryError("simulated: the writer thread stops");
      }
    };
    AuditTrail trail = AuditTrail.builder().sink(dying).queueCapacity(1).whenFull(AuditTrail.QueuePolicy.BLOCK)
        .maxWait(LONG_WAIT).build();
    Remit remit = AuditFixture.remit(trail);
    Request r = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
    remit.authorize(r); // written, then the writer flushes as the queue runs empty, and waits in flush
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    remit.authorize(r); // fills the queue
    Thread caller = new Thread(() -> remit.authorize(r));
    caller.start();
    awaitParked(caller);
    gate.countDown(); // the sink's flush throws an OutOfMemoryError: the writer thread ends
    caller.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(caller.isAlive()).as("a caller waiting for room is released when the writer stops").isFalse();
    assertThat(trail.flush()).as("flush reports failure instead of waiting for ever").isFalse();
    assertThat(remit.authorize(r).allowed()).as("decisions go on").isTrue();
    // record 1 was written; record 2 is stranded in the queue and counts as dropped now that no
    // writer will take it; records 3 and 4 were dropped on offer; the flush failure is a sink error
    assertThat(trail.stats()).isEqualTo(new AuditStats(4, 1, 3, 1, 0));
    remit.close();
  }

  @Test
  void aFailingSinkIsCountedAndNeverChangesADecisionWhileOtherSinksStillReceive() {
    MemoryAuditSink mem = AuditSinks.memory();
    AuditSink failing = record -> {
      throw new IllegalStateException("disk full");
    };
    AuditTrail trail = AuditTrail.builder().sink(failing).sink(mem).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      Decision d = remit.authorize(AuditFixture.refund(20));
      assertThat(d.allowed()).isTrue();
      trail.flush();
      // the other sink has it: written (a record no sink accepted would be dropped)
      assertThat(trail.stats()).isEqualTo(new AuditStats(1, 1, 0, 1, 0));
      assertThat(mem.decisions()).hasSize(1);
    }
  }

  @Test
  void closingFlushesEveryQueuedRecordAndLaterRecordsAreDroppedAndCounted() {
    MemoryAuditSink mem = AuditSinks.memory();
    AuditTrail trail = AuditTrail.builder().sink(mem).build();
    Remit remit = AuditFixture.remit(trail);
    for (int i = 0; i < 100; i++) {
      remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/" + i).build());
    }
    remit.close();
    assertThat(mem.decisions()).hasSize(100);
    assertThat(remit.authorize(Request.of("support-bot", "billing", "read").resource("invoices/1").build()).allowed()).isTrue();
    assertThat(trail.stats().dropped()).isEqualTo(1);
    assertThat(trail.flush()).isFalse();
  }

  @Test
  void revokingAGrantAndSuspendingOrRevokingAnAgentAreRecordedAsAuthorityChangesByTheHost() {
    MemoryAuditSink mem = AuditSinks.memory();
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(mem).build())) {
      remit.revokeGrant("g-root");
      remit.suspendAgent("support-bot");
      remit.revokeAgent("support-bot");
      remit.auditTrail().flush();
      assertThat(mem.records()).containsExactly(
          new AuditRecord.AuthorityRecord(AuditFixture.NOW, 1, "revoke-grant", "host", "grant", "g-root",
              List.of("g-root", "g-sub"), Map.of()),
          new AuditRecord.AuthorityRecord(AuditFixture.NOW, 2, "suspend-agent", "host", "agent", "support-bot",
              List.of(), Map.of()),
          new AuditRecord.AuthorityRecord(AuditFixture.NOW, 3, "revoke-agent", "host", "agent", "support-bot",
              List.of(), Map.of()));
      assertThat(mem.authority()).hasSize(3);
    }
  }
}
