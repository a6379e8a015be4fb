package dev.remit.spi;

import dev.remit.Decision;
import dev.remit.DelegationChain;
import dev.remit.Obligation;
import dev.remit.Request;
import java.util.Objects;

/**
 * What a {@link CredentialBroker} is asked to mint a credential for: an allowed call, the
 * obligation its grant declared, and the delegation chain behind it (for a token's {@code act}
 * claims).
 *
 * @param request the call
 * @param decision its ALLOW decision
 * @param obligation the credential to mint: audience, scopes, the most it may live, the grant
 * @param chain the delegation chain from the original principal to the acting identity
 */
public record CredentialRequest(Request request, Decision decision, Obligation.MintCredential obligation,
    DelegationChain chain) {
  public CredentialRequest {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(obligation, "obligation");
    Objects.requireNonNull(chain, "chain");
  }
}
