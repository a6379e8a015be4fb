package dev.remit.internal.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.remit.Constraint;

/**
 * Shares compiled forms that many grants repeat — the same constraint, the same tool pattern —
 * so a million grants do not hold a million copies. Values are held weakly: a compiled form no
 * grant uses any more is collected. Resource patterns are usually unique per grant and are not
 * interned (an entry would cost more than it saves).
 */
public final class Interner {
  private static final Cache<Constraint, Condition> CONDITIONS = Caffeine.newBuilder().weakValues().build();
  private static final Cache<String, Glob> GLOBS = Caffeine.newBuilder().weakValues().build();

  private Interner() {}

  public static Condition condition(Constraint c) {
    return CONDITIONS.get(c, Condition::new);
  }

  public static Glob glob(String pattern) {
    return GLOBS.get(pattern, Glob::compile);
  }
}
