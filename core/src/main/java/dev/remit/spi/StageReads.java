package dev.remit.spi;

import dev.remit.internal.policy.ConstraintParser;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link DecisionStage} reads of a request, so the decision cache keys on exactly that.
 * Subject, tool, operation, resource id and {@code context.task} are always part of the key.
 *
 * <ul>
 *   <li>{@link #everything()}: all arguments, the resource type and properties, and every context
 *       entry except {@code traceparent} and {@code intent} (audit-only by Remit's definition: a
 *       stage must not base its answer on them). The safe default.
 *   <li>{@link #paths}: only the given attribute paths ({@code args.amount},
 *       {@code context.environment}, {@code resource.classification}, {@code resource.type}, …).
 *   <li>{@link #nothing()}: nothing beyond what every key holds.
 * </ul>
 */
public final class StageReads {
  /** Context entries never part of a stage's input key. */
  public static final Set<String> AUDIT_ONLY_CONTEXT = Set.of("traceparent", "intent");

  private static final StageReads EVERYTHING = new StageReads(true, List.of());
  private static final StageReads NOTHING = new StageReads(false, List.of());

  private final boolean everything;
  private final List<String> paths;

  private StageReads(boolean everything, List<String> paths) {
    this.everything = everything;
    this.paths = paths;
  }

  /** Returns the declaration that the stage may read the whole request. */
  public static StageReads everything() {
    return EVERYTHING;
  }

  /** Returns the declaration that the stage reads nothing beyond subject, tool, operation, resource id and task. */
  public static StageReads nothing() {
    return NOTHING;
  }

  /**
   * Returns the declaration that the stage reads only these request attributes.
   *
   * @throws IllegalArgumentException if a path is not a request attribute path ({@code args.},
   *     {@code context.} or {@code resource.} followed by names)
   */
  public static StageReads paths(String... paths) {
    Objects.requireNonNull(paths, "paths");
    for (String p : paths) {
      Objects.requireNonNull(p, "path");
      String bad = ConstraintParser.checkAttribute(p);
      if (bad != null) {
        throw new IllegalArgumentException("stage read path '" + p + "': " + bad);
      }
      if (!(p.startsWith("args.") || p.startsWith("context.") || p.startsWith("resource."))) {
        throw new IllegalArgumentException("stage read path '" + p
            + "' is not a request attribute; it must start with args., context. or resource.");
      }
    }
    return new StageReads(false, List.of(paths));
  }

  /** Returns whether the stage may read the whole request. */
  public boolean isEverything() {
    return everything;
  }

  /** Returns the attribute paths read (empty for {@link #everything()} and {@link #nothing()}). */
  public List<String> paths() {
    return paths;
  }

  @Override
  public String toString() {
    return everything ? "everything" : paths.isEmpty() ? "nothing" : paths.toString();
  }
}
