package dev.remit;

/**
 * Counters of the decision cache of a {@link Remit}, read with {@link Remit#cacheStats()}. Counts
 * grow from the moment the decision point is built; every call to {@code authorize} counts as
 * exactly one of a hit, a miss or a bypass.
 *
 * @param enabled whether the decision point has a decision cache at all
 * @param hits decisions served from the cache
 * @param misses decisions evaluated in full although the request was eligible for the cache
 * @param invalidated the misses that found an entry they could not use: made before a change
 *     (older revision), outside its validity in time, or whose call budget ran out
 * @param bypassed requests not eligible for the cache (an approval presented, a referenced value
 *     that is not a plain scalar, a null request)
 * @param evictions entries removed to keep the cache within its size bound
 * @param size current number of entries (an estimate)
 * @param maximumSize the bound on the number of entries, 0 when disabled
 */
public record CacheStats(
    boolean enabled, long hits, long misses, long invalidated, long bypassed, long evictions,
    long size, long maximumSize) {

  /** The statistics of a decision point without a cache. */
  public static final CacheStats DISABLED = new CacheStats(false, 0, 0, 0, 0, 0, 0, 0);

  public CacheStats {
    if (hits < 0 || misses < 0 || invalidated < 0 || bypassed < 0 || evictions < 0 || size < 0
        || maximumSize < 0) {
      throw new IllegalArgumentException("cache statistics cannot be negative");
    }
  }

  /** Returns the number of {@code authorize} calls counted: hits, misses and bypasses. */
  public long requests() {
    return hits + misses + bypassed;
  }

  /** Returns hits divided by hits plus misses, or 0 when there were none. */
  public double hitRate() {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }
}
