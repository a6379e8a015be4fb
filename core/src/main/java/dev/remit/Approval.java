package dev.remit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A human approval of one exact call, issued by {@link Remit#approve}. It satisfies a
 * require-approval rule only for the same subject, tool, operation and resource and the same
 * values of the attributes the rule binds, before it expires, while uses remain, and when the
 * approver holds the role the rule names. Present it as {@code context.approval = id()}.
 *
 * @param id approval id
 * @param approver principal who approved
 * @param role approver role used
 * @param subject acting identity the approval is for
 * @param tool tool
 * @param operation operation
 * @param resource resource id
 * @param bound bound attribute paths to the canonical form of their approved values
 * @param issuedAt when it was given
 * @param expiresAt when it stops being valid (exclusive)
 * @param uses how many calls it may approve
 */
public record Approval(
    String id, String approver, String role, String subject, String tool, String operation,
    String resource, Map<String, String> bound, Instant issuedAt, Instant expiresAt, int uses) {
  public Approval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(approver, "approver");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(operation, "operation");
    bound = Map.copyOf(Objects.requireNonNull(bound, "bound"));
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (uses <= 0) {
      throw new IllegalArgumentException("uses must be positive, was " + uses);
    }
  }
}
