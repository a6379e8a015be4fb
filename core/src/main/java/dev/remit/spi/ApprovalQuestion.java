package dev.remit.spi;

import dev.remit.Decision;
import dev.remit.Obligation;
import dev.remit.Request;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A call waiting for a human approval, as an {@link ApprovalHandler} is asked about it.
 *
 * @param request the call
 * @param decision its REQUIRE_APPROVAL decision (operator reasons included: show them to the
 *     approver, not to the agent)
 * @param needed the approvals needed, one per rule or stage, each naming the role an approver needs
 * @param timeout how long the handler may wait for the human
 */
public record ApprovalQuestion(Request request, Decision decision, List<Obligation.ApprovalNeeded> needed,
    Duration timeout) {
  public ApprovalQuestion {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(decision, "decision");
    needed = List.copyOf(Objects.requireNonNull(needed, "needed"));
    Objects.requireNonNull(timeout, "timeout");
  }
}
