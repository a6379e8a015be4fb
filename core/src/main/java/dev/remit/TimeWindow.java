package dev.remit;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Recurring local-time window, e.g. weekdays 09:00–17:00 in Europe/Paris.
 *
 * <p>{@code start} is inclusive and {@code end} exclusive. A window whose end is not after its start
 * runs overnight: 22:00–06:00 on Monday covers Monday 22:00 to Tuesday 06:00. {@code days} are the
 * days on which the window <em>starts</em>.
 *
 * @param start first minute inside the window (local time)
 * @param end first minute after the window (local time)
 * @param zone time zone of {@code start} and {@code end}
 * @param days days on which the window opens; all days if empty
 */
public record TimeWindow(LocalTime start, LocalTime end, ZoneId zone, Set<DayOfWeek> days) {

  private static final int MINUTES_PER_DAY = 24 * 60;

  public TimeWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(zone, "zone");
    days = days == null || days.isEmpty()
        ? Set.copyOf(EnumSet.allOf(DayOfWeek.class)) : Set.copyOf(days);
    if (start.equals(end)) {
      throw new IllegalArgumentException("time window start and end are both " + start
          + "; use no window for all day");
    }
  }

  /** Returns whether the window covers the instant given in epoch milliseconds. */
  public boolean contains(long epochMillis) {
    // local calendar arithmetic instead of ZonedDateTime: this runs on every decision that meets a
    // window, and should not allocate
    java.time.zone.ZoneRules rules = zone.getRules();
    int offset = (rules.isFixedOffset() ? rules.getOffset(java.time.Instant.EPOCH)
        : rules.getOffset(java.time.Instant.ofEpochMilli(epochMillis))).getTotalSeconds();
    long localSecond = Math.floorDiv(epochMillis, 1000L) + offset;
    long epochDay = Math.floorDiv(localSecond, 86_400L);
    int minuteOfDay = (int) (Math.floorMod(localSecond, 86_400L) / 60);
    // 1970-01-01 was a Thursday
    return covers(DAYS[(int) Math.floorMod(epochDay + 3, 7L)], minuteOfDay);
  }

  private static final DayOfWeek[] DAYS = DayOfWeek.values();

  /** Returns whether the window covers the given minute of the given local day of the week. */
  public boolean covers(DayOfWeek day, int minuteOfDay) {
    int s = start.getHour() * 60 + start.getMinute();
    int e = end.getHour() * 60 + end.getMinute();
    if (s < e) {
      return days.contains(day) && minuteOfDay >= s && minuteOfDay < e;
    }
    // overnight: the part after start belongs to today's window, the part before end to yesterday's
    if (minuteOfDay >= s) {
      return days.contains(day);
    }
    return minuteOfDay < e && days.contains(day.minus(1));
  }

  /** Returns whether every minute this window covers is also covered by {@code outer}. */
  public boolean within(TimeWindow outer) {
    if (!zone.normalized().equals(outer.zone.normalized())) {
      return false;
    }
    for (DayOfWeek d : DayOfWeek.values()) {
      for (int m = 0; m < MINUTES_PER_DAY; m++) {
        if (covers(d, m) && !outer.covers(d, m)) {
          return false;
        }
      }
    }
    return true;
  }
}
