package dev.remit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The short-lived credential a host should mint for a call a grant allows: declared in the
 * decision as a {@code mint-credential} obligation; minting itself is the host's (or a broker's).
 *
 * @param audience the service the credential is for
 * @param scopes the scopes to put in it
 * @param ttl how long it may live; the obligation never outlives the grant chain
 */
public record CredentialSpec(String audience, List<String> scopes, Duration ttl) {
  public CredentialSpec {
    Names.requireId(audience, "credential audience");
    scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("credential ttl must be positive, was " + ttl);
    }
  }
}
