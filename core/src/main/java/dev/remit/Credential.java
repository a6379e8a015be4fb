package dev.remit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A short-lived credential minted for one allowed call by a {@link dev.remit.spi.CredentialBroker}.
 * Its {@link #secret()} goes to the tool, never to the model and never into the audit trail (which
 * records the {@link #id()}); {@link #toString()} leaves the secret out.
 *
 * @param id an identifier of the credential, safe to log (e.g. a JWT's {@code jti})
 * @param type what kind of credential it is, e.g. {@code bearer}
 * @param audience the service it is for
 * @param scopes the scopes it carries
 * @param expiresAt when it stops being valid
 * @param secret the credential itself (a token, a password)
 */
public record Credential(String id, String type, String audience, List<String> scopes, Instant expiresAt,
    String secret) {
  public Credential {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(audience, "audience");
    scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(secret, "secret");
  }

  @Override
  public String toString() {
    return "Credential[id=" + id + ", type=" + type + ", audience=" + audience + ", scopes=" + scopes
        + ", expiresAt=" + expiresAt + ", secret=<hidden>]";
  }
}
