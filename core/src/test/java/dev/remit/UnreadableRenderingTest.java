package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractList;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request holding an unreadable value is still decided, audited and rendered, never thrown out. */
class UnreadableRenderingTest {
  private static final class Throwing extends AbstractList<Object> {
    @Override public Object get(int i) { throw new IllegalStateException("boom"); }
    @Override public int size() { throw new IllegalStateException("boom"); }
    @Override public Iterator<Object> iterator() { throw new IllegalStateException("boom"); }
  }

  @Test
  void anUnreadableValueIsAuditedInBothFormatsAndRenderedAsAuthZenJsonWithoutASinkError() {
    for (AuditFormat format : AuditFormat.values()) {
      MemoryAuditSink mem = AuditSinks.memory();
      AuditTrail trail = AuditTrail.builder().sink(mem).sink(AuditSinks.slf4j(format)).build();
      try (Remit remit = AuditFixture.remit(trail)) {
        Request r = Request.of("support-bot", "billing", "read").resource("invoices/1")
            .arg("list", new Throwing()).context("nested", Map.of("bad", new Throwing())).build();
        Decision d = remit.authorize(r); // must not throw
        assertThat(AuthZen.toJson(r)).contains("unreadable");
        assertThat(AuthZen.toJson(d)).isNotEmpty();
        assertThat(trail.flush()).isTrue();
        assertThat(mem.decisions()).hasSize(1);
        assertThat(trail.stats().sinkErrors()).as(format.toString()).isZero();
        assertThat(trail.stats().written()).isEqualTo(1);
      }
    }
  }
}
