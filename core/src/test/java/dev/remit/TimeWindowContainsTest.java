package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class TimeWindowContainsTest {
  private static final String[] ZONES = {"UTC", "Europe/Paris", "Asia/Kolkata", "America/St_Johns",
      "Australia/Lord_Howe", "Pacific/Chatham", "America/New_York", "+05:45", "-09:30"};

  /** The allocation-free contains() agrees with ZonedDateTime arithmetic, across DST and odd offsets. */
  @Property(tries = 3000, seed = "42")
  void containsAgreesWithZonedDateTime(@ForAll @LongRange(min = -2_000_000_000_000L, max = 4_000_000_000_000L) long millis,
      @ForAll @IntRange(min = 0, max = 8) int zone, @ForAll @IntRange(min = 0, max = 1439) int start,
      @ForAll @IntRange(min = 1, max = 1439) int length, @ForAll @IntRange(min = 0, max = 127) int dayMask) {
    ZoneId z = ZoneId.of(ZONES[zone]);
    Set<DayOfWeek> days = new java.util.HashSet<>();
    for (DayOfWeek d : DayOfWeek.values()) {
      if ((dayMask & (1 << d.ordinal())) != 0) {
        days.add(d);
      }
    }
    TimeWindow w = new TimeWindow(LocalTime.ofSecondOfDay(start * 60L),
        LocalTime.ofSecondOfDay(((start + length) % 1440) * 60L), z, days);
    ZonedDateTime t = Instant.ofEpochMilli(millis).atZone(z);
    assertThat(w.contains(millis)).isEqualTo(w.covers(t.getDayOfWeek(), t.getHour() * 60 + t.getMinute()));
  }
}
