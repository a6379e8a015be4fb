package dev.remit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What became of one call after its decision, as an enforcement point reports it to
 * {@link Authorizer#report}: recorded in the audit trail (linked by decision id) and used to
 * settle the call budget the decision charged.
 *
 * @param status succeeded, failed or blocked
 * @param executedArgs the arguments that ran (or were about to), or null when they are the ones
 *     authorized
 * @param duration how long the tool ran ({@link Duration#ZERO} if it did not)
 * @param changes what the tool reported it changed
 * @param credentials ids of the credentials issued for the call (never secrets)
 * @param error the failure, for a failed call, else null
 * @param refund whether to release the call budget the decision charged (only for a call that
 *     failed or did not run; honoured at most once per decision)
 */
public record CallReport(AuditRecord.Status status, Map<String, Object> executedArgs, Duration duration,
    Map<String, Object> changes, List<String> credentials, String error, boolean refund) {
  public CallReport {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
    changes = changes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(changes));
    credentials = List.copyOf(Objects.requireNonNull(credentials, "credentials"));
    if (refund && status == AuditRecord.Status.SUCCEEDED) {
      throw new IllegalArgumentException("a call that succeeded keeps its charge; refund only a failed or blocked call");
    }
  }

  /** Returns the report of a call that ran and returned normally. */
  public static CallReport succeeded(Duration duration) {
    return new CallReport(AuditRecord.Status.SUCCEEDED, null, duration, Map.of(), List.of(), null, false);
  }

  /** Returns the report of a call that ran and failed. */
  public static CallReport failed(Duration duration, String error, boolean refund) {
    return new CallReport(AuditRecord.Status.FAILED, null, duration, Map.of(), List.of(),
        Objects.requireNonNull(error, "error"), refund);
  }
}
