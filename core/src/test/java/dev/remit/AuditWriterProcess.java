package dev.remit;

import java.nio.file.Path;

/**
 * Subprocess for {@link AuditCrashTest}: writes decisions to a hash-chained audit log, prints
 * {@code flushed N} once N records are on disk, then keeps writing large records until killed.
 */
public final class AuditWriterProcess {
  private AuditWriterProcess() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    int argBytes = Integer.parseInt(args[1]);
    String big = "x".repeat(argBytes);
    AuditTrail trail = AuditTrail.builder().sink(AuditSinks.jsonLines(file).build()).build();
    Remit remit = Remit.builder().policy(AuditFixture.policy()).audit(trail).build();
    Request small = Request.of("support-bot", "billing", "read").resource("invoices/1").build();
    for (int i = 0; i < 50; i++) {
      remit.authorize(small);
    }
    trail.flush();
    System.out.println("flushed 50");
    System.out.flush();
    Request large = Request.of("support-bot", "billing", "read").resource("invoices/2").arg("blob", big).build();
    while (true) {
      remit.authorize(large);
    }
  }
}
