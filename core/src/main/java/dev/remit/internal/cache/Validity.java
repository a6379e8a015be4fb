package dev.remit.internal.cache;

import dev.remit.TimeWindow;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/** When a decision made now stops being reusable because of time: the next validity boundary. */
public final class Validity {
  private Validity() {}

  /**
   * Returns the lower of {@code until} and the first instant after {@code now} at which a grant
   * with this not-before, expiry and window may change its validity.
   */
  public static long lower(long until, long now, long notBefore, long expiresAt, TimeWindow window) {
    if (notBefore > now && notBefore < until) {
      until = notBefore;
    }
    if (expiresAt > now && expiresAt < until) {
      until = expiresAt;
    }
    if (window != null) {
      until = Math.min(until, nextMinute(now, window.zone()));
    }
    return until;
  }

  /**
   * Returns the next instant after {@code now} at which a time window in {@code zone} can open or
   * close: windows resolve to whole local minutes, and offset changes fall on whole UTC minutes.
   */
  public static long nextMinute(long now, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    long off = (rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH)
        : rules.getOffset(Instant.ofEpochMilli(now))).getTotalSeconds() * 1000L;
    long local = Math.floorDiv(now + off, 60_000L) * 60_000L + 60_000L - off;
    long utc = Math.floorDiv(now, 60_000L) * 60_000L + 60_000L;
    return Math.min(local, utc);
  }
}
