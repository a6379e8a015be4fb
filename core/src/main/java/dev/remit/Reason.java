package dev.remit;

import java.util.Objects;

/**
 * Why a decision came out as it did: a stable code for machines and a sentence for people.
 *
 * @param code stable reason code
 * @param message human-readable explanation naming the grant, rule or attribute involved
 */
public record Reason(ReasonCode code, String message) {
  public Reason {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
