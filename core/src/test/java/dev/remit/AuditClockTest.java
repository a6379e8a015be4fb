package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Every record carries the decision point's time, not the wall clock of the machine. */
class AuditClockTest {
  private static final Request READ = Request.of("support-bot", "billing", "read").resource("invoices/1").build();

  @Test
  void anOutcomeReportIsStampedByTheFixedClockOfTheDecisionPointItsTrailIsAttachedTo() {
    MemoryAuditSink mem = AuditSinks.memory();
    AuditTrail trail = AuditTrail.builder().sink(mem).build();
    try (Remit remit = AuditFixture.remit(trail)) { // fixed at AuditFixture.NOW, months from the wall clock
      assertThat(trail.clock()).isSameAs(AuditFixture.CLOCK);
      trail.outcome(READ, remit.authorize(READ)).succeeded();
      assertThat(trail.flush()).isTrue();
      assertThat(mem.outcomes()).singleElement().extracting(AuditRecord.OutcomeRecord::time)
          .isEqualTo(AuditFixture.NOW);
    }
  }

  @Test
  void theTrailFollowsTheDecisionPointsClockAsItMovesNotTheInstantItWasAttached() {
    MutableClock clock = new MutableClock(AuditFixture.NOW);
    MemoryAuditSink mem = AuditSinks.memory();
    AuditTrail trail = AuditTrail.builder().sink(mem).build();
    try (Remit remit = Remit.builder().policy(AuditFixture.policy()).clock(clock).audit(trail).build()) {
      Decision d = remit.authorize(READ);
      clock.advance(Duration.ofSeconds(90));
      trail.outcome(READ, d).succeeded();
      remit.revokeGrant("g-sub");
      assertThat(trail.flush()).isTrue();
      Instant later = AuditFixture.NOW.plusSeconds(90);
      assertThat(mem.records()).extracting(AuditRecord::time).containsExactly(AuditFixture.NOW, later, later);
    }
  }

  @Test
  void aClockSetOnTheTrailIsKeptWhenTheTrailIsAttached() {
    Instant own = Instant.parse("2030-01-01T00:00:00Z");
    MemoryAuditSink mem = AuditSinks.memory();
    AuditTrail trail = AuditTrail.builder().sink(mem).clock(Clock.fixed(own, ZoneOffset.UTC)).build();
    try (Remit remit = AuditFixture.remit(trail)) {
      trail.outcome(READ, remit.authorize(READ)).succeeded();
      assertThat(trail.flush()).isTrue();
      assertThat(mem.outcomes().get(0).time()).isEqualTo(own);
      assertThat(mem.decisions().get(0).time()).as("decisions carry the decision point's time").isEqualTo(AuditFixture.NOW);
    }
  }

  @Test
  void aTrailAttachedToASecondDecisionPointWithAnotherClockIsRefusedAndWithAnEqualOneAccepted() {
    AuditTrail trail = AuditTrail.builder().sink(AuditSinks.memory()).build();
    try (Remit first = AuditFixture.remit(trail)) {
      Remit same = Remit.builder().policy(AuditFixture.policy())
          .clock(Clock.fixed(AuditFixture.NOW, ZoneOffset.UTC)).audit(trail).build(); // equal clock: fine
      assertThat(same.auditTrail()).isSameAs(trail);
      Remit.Builder other = Remit.builder().policy(AuditFixture.policy()).clock(Clock.systemUTC()).audit(trail);
      assertThatThrownBy(other::build).isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("this audit trail already records for a decision point with clock FixedClock[")
          .hasMessageContaining("Give both the same clock, use a trail each, or set the trail's clock");
      assertThat(trail.clock()).as("the first decision point's clock stays").isSameAs(AuditFixture.CLOCK);
    }
  }

  @Test
  void aTrailWithoutADecisionPointStampsByTheSystemClockInUtc() {
    try (AuditTrail trail = AuditTrail.builder().sink(AuditSinks.memory()).build()) {
      assertThat(trail.clock()).isEqualTo(Clock.systemUTC());
    }
  }
}
