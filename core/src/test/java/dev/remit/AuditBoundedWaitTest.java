package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Under BLOCK no producer of a record waits for room longer than maxWait, and nothing is lost silently. */
class AuditBoundedWaitTest {
  private static final Request READ = Request.of("support-bot", "billing", "read").resource("invoices/1").build();

  private static void assertBalanced(AuditStats s) {
    assertThat(s.written() + s.dropped() + s.queued()).as(s.toString()).isEqualTo(s.offered());
  }

  @Test
  void withTheDefaultMaxWaitEveryProducerReturnsWhileASinkHangsAndWhatDidNotFitIsCountedAsDropped() throws Exception {
    AuditTrailTest.GatedSink sink = new AuditTrailTest.GatedSink();
    AuditTrail trail = AuditTrail.builder().sink(sink).queueCapacity(4).build(); // BLOCK, default maxWait
    try (Remit remit = AuditFixture.remit(trail)) {
      try {
        Decision first = remit.authorize(READ);
        assertThat(sink.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the writer hangs in record 1
        for (int i = 0; i < 4; i++) {
          remit.authorize(READ); // fills the queue
        }
        // every kind of producer meets a full queue and a writer that does not move
        for (int i = 0; i < 6; i++) {
          assertThat(remit.authorize(READ).allowed()).as("the decision is unchanged").isTrue();
        }
        assertThat(remit.revokeGrant("g-sub")).containsExactly("g-sub");
        trail.outcome(READ, first).succeeded();
        AuditStats stalled = trail.stats();
        // 4 queued and record 1 in the writer's hands are still to be written; 8 did not fit
        assertThat(stalled).isEqualTo(new AuditStats(13, 0, 8, 0, 5));
        assertBalanced(stalled);
      } finally {
        sink.gate.countDown();
      }
      assertThat(trail.flush()).isTrue();
      AuditStats after = trail.stats();
      assertThat(after).isEqualTo(new AuditStats(13, 5, 8, 0, 0));
      assertBalanced(after);
      assertThat(sink.writes).hasValue(5);
      // the writer moves again: records are queued and written as before
      remit.authorize(READ);
      remit.authorize(READ);
      assertThat(trail.flush()).isTrue();
      assertThat(trail.stats()).isEqualTo(new AuditStats(15, 7, 8, 0, 0));
      assertThat(sink.writes).hasValue(7);
    }
  }

  @Test
  void aZeroMaxWaitNeverWaitsAndCountsEveryRecordThatDidNotFit() throws Exception {
    AuditTrailTest.GatedSink sink = new AuditTrailTest.GatedSink();
    AuditTrail trail = AuditTrail.builder().sink(sink).queueCapacity(2).whenFull(AuditTrail.QueuePolicy.BLOCK)
        .maxWait(Duration.ZERO).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      try {
        remit.authorize(READ);
        assertThat(sink.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 7; i++) {
          remit.authorize(READ);
        }
        assertThat(trail.stats()).isEqualTo(new AuditStats(8, 0, 5, 0, 3));
      } finally {
        sink.gate.countDown();
      }
      assertThat(trail.flush()).isTrue();
      assertThat(trail.stats()).isEqualTo(new AuditStats(8, 3, 5, 0, 0));
    }
  }

  @Test
  void aNegativeMaxWaitIsRefusedWithAMessageSayingWhatIsAllowed() {
    assertThatThrownBy(() -> AuditTrail.builder().maxWait(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWait must not be negative (zero never waits), was PT-0.001S");
  }
}
