package dev.remit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Guard's authorized-versus-executed argument check when an authorized argument was unreadable. */
class GuardUnreadableArgumentTest {
  private static final class Throwing extends AbstractList<Object> {
    @Override public Object get(int i) { throw new IllegalStateException("boom"); }
    @Override public int size() { throw new IllegalStateException("boom"); }
    @Override public Iterator<Object> iterator() { throw new IllegalStateException("boom"); }
  }

  @Test
  void executedArgumentsEqualToTheTextOfAnUnreadableAuthorizedArgumentAreAMismatch() {
    try (Remit remit = AuditFixture.remit(AuditTrail.builder().sink(AuditSinks.memory()).build())) {
      Request authorized = Request.of("support-bot", "billing", "read").resource("invoices/1")
          .arg("meta", new Throwing()).build();
      Map<String, Object> executed = new HashMap<>();
      executed.put("meta", authorized.args().get("meta").toString());
      AtomicBoolean ran = new AtomicBoolean();
      assertThatThrownBy(() -> Guard.of(remit).call(authorized, executed, ex -> ran.getAndSet(true)))
          .isInstanceOf(ArgumentMismatchException.class);
    }
  }
}
