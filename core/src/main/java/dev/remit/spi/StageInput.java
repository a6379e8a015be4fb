package dev.remit.spi;

import dev.remit.Agent;
import dev.remit.DelegationChain;
import dev.remit.Grant;
import dev.remit.Principal;
import dev.remit.Request;
import dev.remit.RiskClass;
import dev.remit.Tool;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link DecisionStage} is given: the request and what Remit's native checks resolved for
 * it. A stage is only called when the native checks allow the call so far.
 *
 * @param request the request being decided (read-only, deeply copied)
 * @param agent the acting agent or component as the policy describes it
 * @param tool the tool's catalog entry
 * @param risk the risk class of the operation called
 * @param grant the grant that covers the call (the leaf of the chain)
 * @param chain the delegation chain from the original principal to the acting identity
 * @param principal the original principal, as the policy in force describes it
 * @param now the instant the decision is made at (the decision point's clock, read once)
 * @param budget how long the stage may take for this call
 */
public record StageInput(Request request, Agent agent, Tool tool, RiskClass risk, Grant grant,
    DelegationChain chain, Principal principal, Instant now, Duration budget) {
  public StageInput {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(risk, "risk");
    Objects.requireNonNull(grant, "grant");
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(budget, "budget");
  }
}
