package dev.remit.spi;

import dev.remit.internal.Text;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A human's answer to an {@link ApprovalQuestion}: approved (by whom, in which role, for how
 * long — one entry per role when the call needs several), refused, or still pending.
 */
public final class ApprovalAnswer {
  /** What the answer says. */
  public enum Kind {
    /** The call was approved; {@link #approvals()} says by whom. */
    APPROVED,
    /** The human said no. */
    REFUSED,
    /** No answer yet (or none within the timeout); the call does not run now. */
    PENDING
  }

  /**
   * One approver's approval.
   *
   * @param approver the principal id of the human who approved
   * @param role the role they approved in
   * @param ttl how long the approval may wait to be used
   */
  public record By(String approver, String role, Duration ttl) {
    public By {
      Text.requireId(approver, "approver");
      Text.requireId(role, "role");
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("approval ttl must be positive, was " + ttl);
      }
    }
  }

  private final Kind kind;
  private final List<By> approvals;
  private final String note;

  private ApprovalAnswer(Kind kind, List<By> approvals, String note) {
    this.kind = kind;
    this.approvals = List.copyOf(approvals);
    this.note = note;
  }

  /** Returns an approval by one approver in one role. */
  public static ApprovalAnswer approved(String approver, String role, Duration ttl) {
    return new ApprovalAnswer(Kind.APPROVED, List.of(new By(approver, role, ttl)), null);
  }

  /** Returns approvals by several approvers or roles (a call several rules guard). */
  public static ApprovalAnswer approved(List<By> approvals) {
    if (Objects.requireNonNull(approvals, "approvals").isEmpty()) {
      throw new IllegalArgumentException("an approval names at least one approver");
    }
    return new ApprovalAnswer(Kind.APPROVED, approvals, null);
  }

  /** Returns a refusal; {@code note} is for the operator (logs, audit), not for the agent. */
  public static ApprovalAnswer refused(String note) {
    return new ApprovalAnswer(Kind.REFUSED, List.of(), note);
  }

  /** Returns "no answer yet". */
  public static ApprovalAnswer pending() {
    return new ApprovalAnswer(Kind.PENDING, List.of(), null);
  }

  public Kind kind() {
    return kind;
  }

  public List<By> approvals() {
    return approvals;
  }

  /** Returns the refusal's note, or null. */
  public String note() {
    return note;
  }
}
