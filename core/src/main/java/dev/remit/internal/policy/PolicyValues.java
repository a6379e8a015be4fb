package dev.remit.internal.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remit.internal.Text;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Date;
import java.util.Map;

/**
 * Turns values a caller has already parsed (maps, lists, strings, numbers, booleans, null) into the
 * tree {@link PolicySyntax} gives for the same text, under the same limits, so that one mapping
 * reads both.
 *
 * <p>Scalars become text as written: a number its decimal text, a boolean {@code true} or
 * {@code false}; {@link Instant}, {@link OffsetDateTime}, {@link ZonedDateTime} (its offset form),
 * {@link java.util.Date}, {@link Duration}, {@link LocalTime}, {@link ZoneId} and {@link DayOfWeek}
 * their ISO-8601 or id text. Any other object is kept as it is, for the mapping to report
 * "expected a string, got a java.lang.Thread" where it expected something else. Maps need string
 * keys no longer than the syntax layer accepts; nesting deeper than {@link PolicySyntax#MAX_DEPTH}
 * (which catches a map that contains itself) and more than {@link PolicySyntax#MAX_BYTES}
 * characters in all stop reading, reported once.
 */
final class PolicyValues {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final PolicyProblems out;
  private final String root;
  /** Characters (and elements, one each) still allowed. */
  private long budget = PolicySyntax.MAX_BYTES;

  private PolicyValues(PolicyProblems out, String root) {
    this.out = out;
    this.root = root;
  }

  /** Thrown to stop reading values past a limit (already reported). */
  private static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  /** Returns the tree of {@code value}, or null if it could not be read (the reason is in {@code out}). */
  static JsonNode tree(Object value, String root, PolicyProblems out) {
    try {
      return new PolicyValues(out, root).node(value, root, 0);
    } catch (Stop e) {
      return null;
    } catch (RuntimeException e) {
      // a collection or map of the caller's that fails while it is read (a concurrent change, a
      // lazy view that throws) is a problem with the input, not with the reader
      out.add(root, "cannot read the value: " + e.getClass().getName(), null);
      return null;
    }
  }

  private JsonNode node(Object v, String path, int depth) {
    spend(1, path);
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof CharSequence cs) {
      // counted before it is copied: a huge text is refused without a second copy of it
      spend(cs.length(), path);
      return NODES.textNode(cs.toString());
    }
    String text = scalar(v);
    if (text != null) {
      spend(text.length(), path);
      return NODES.textNode(text);
    }
    if (v instanceof Map<?, ?> || v instanceof Collection<?> || v instanceof Object[]) {
      if (depth >= PolicySyntax.MAX_DEPTH) {
        out.add(path, "nests maps and lists more than " + PolicySyntax.MAX_DEPTH + " levels deep", null);
        throw new Stop();
      }
    }
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = NODES.objectNode();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          out.add(path, "has a key that is " + (e.getKey() == null ? "null" : "a " + e.getKey().getClass().getName())
              + ", not a string", null);
          continue;
        }
        if (key.length() > Text.MAX_NAME) {
          out.add(path, "has a key longer than " + Text.MAX_NAME + " characters", null);
          continue;
        }
        spend(key.length(), path);
        o.set(key, node(e.getValue(), PolicyProblems.child(path, key), depth + 1));
      }
      return o;
    }
    if (v instanceof Collection<?> || v instanceof Object[]) {
      Iterable<?> items = v instanceof Object[] a ? java.util.Arrays.asList(a) : (Collection<?>) v;
      ArrayNode a = NODES.arrayNode();
      int i = 0;
      for (Object item : items) {
        a.add(node(item, path + "[" + i++ + "]", depth + 1));
      }
      return a;
    }
    return NODES.pojoNode(v);
  }

  /** Returns the text a scalar stands for, or null if {@code v} is not a scalar this reader knows. */
  private static String scalar(Object v) {
    if (v instanceof Number || v instanceof Boolean || v instanceof Character
        || v instanceof Instant || v instanceof OffsetDateTime || v instanceof Duration
        || v instanceof LocalTime || v instanceof ZoneId || v instanceof DayOfWeek) {
      return v.toString();
    }
    if (v instanceof ZonedDateTime z) {
      return z.toOffsetDateTime().toString();
    }
    if (v instanceof Date d) {
      return d.toInstant().toString();
    }
    return null;
  }

  private void spend(long n, String path) {
    budget -= n;
    if (budget < 0) {
      out.add(root, "the value is larger than 16 MiB (found at " + (path.isEmpty() ? "the top" : path) + ")",
          "split it, or remove what it does not need");
      throw new Stop();
    }
  }
}
