package dev.remit.internal.state;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The active runtime grants one holder holds for one task (or for no task), in issue order, plus
 * the few that ended last (for a precise reason when nothing active covers a call).
 *
 * <p>Readers (decisions) never lock: up to {@value #SMALL} grants are one volatile array, replaced
 * on every change (a copy of at most that many references); beyond that the grants move to a
 * concurrent skip list, where adding and removing cost O(log n). Writers hold the engine's lock.
 */
public final class Bucket {
  static final int SMALL = 32;
  /** Ended grants kept per bucket (the state also bounds them globally). */
  static final int ENDED = 4;
  private static final GrantNode[] EMPTY = new GrantNode[0];

  final String holder;
  final String task;
  /** The active grants: a GrantNode[] while few, a ConcurrentSkipListMap by seq beyond; one volatile read gives a consistent view. */
  private volatile Object active = EMPTY;
  private volatile GrantNode[] ended = EMPTY;
  private int size;

  Bucket(String holder, String task) {
    this.holder = holder;
    this.task = task;
  }

  /**
   * Returns the active grants in issue order, read once: a {@code GrantNode[]} (do not modify) or,
   * when there are many, an {@code Iterable<GrantNode>}. See {@link #array} and {@link #iterable}.
   */
  public Object view() {
    Object a = active;
    return a instanceof GrantNode[] ? a : ((ConcurrentSkipListMap<?, ?>) a).values();
  }

  /** Returns the view as an array, or null if it is an iterable. */
  public static GrantNode[] array(Object view) {
    return view instanceof GrantNode[] ? (GrantNode[]) view : null;
  }

  /** Returns the view as an iterable (either shape). */
  @SuppressWarnings("unchecked")
  public static Iterable<GrantNode> iterable(Object view) {
    return view instanceof GrantNode[] ? Arrays.asList((GrantNode[]) view) : (Iterable<GrantNode>) view;
  }

  /** Returns the grants that ended last here (revoked or expired), newest first. Do not modify. */
  public GrantNode[] ended() {
    return ended;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0 && ended.length == 0;
  }

  @SuppressWarnings("unchecked")
  void add(GrantNode g) {
    Object a = active;
    if (!(a instanceof GrantNode[])) {
      ((ConcurrentSkipListMap<Long, GrantNode>) a).put(g.seq, g);
      size++;
      return;
    }
    GrantNode[] cur = (GrantNode[]) a;
    if (cur.length < SMALL) {
      GrantNode[] n = Arrays.copyOf(cur, cur.length + 1);
      n[cur.length] = g;
      active = n;
    } else {
      ConcurrentSkipListMap<Long, GrantNode> m = new ConcurrentSkipListMap<>();
      for (GrantNode x : cur) {
        m.put(x.seq, x);
      }
      m.put(g.seq, g);
      active = m; // published whole: a reader sees the old array or the full map
    }
    size++;
  }

  /** Removes an active grant; returns whether it was here. */
  @SuppressWarnings("unchecked")
  boolean remove(GrantNode g) {
    Object a = active;
    if (!(a instanceof GrantNode[])) {
      if (((ConcurrentSkipListMap<Long, GrantNode>) a).remove(g.seq, g)) {
        size--;
        return true;
      }
      return false;
    }
    GrantNode[] cur = (GrantNode[]) a;
    GrantNode[] n = without(cur, g);
    if (n == cur) {
      return false;
    }
    active = n;
    size--;
    return true;
  }

  /** Returns {@code arr} without {@code g} (a new array), or {@code arr} itself if it does not hold it. */
  private static GrantNode[] without(GrantNode[] arr, GrantNode g) {
    for (int i = 0; i < arr.length; i++) {
      if (arr[i] == g) {
        GrantNode[] n = new GrantNode[arr.length - 1];
        System.arraycopy(arr, 0, n, 0, i);
        System.arraycopy(arr, i + 1, n, i, arr.length - i - 1);
        return n;
      }
    }
    return arr;
  }

  /** Keeps {@code g} as the newest ended grant; returns the one pushed out, or null. */
  GrantNode addEnded(GrantNode g) {
    GrantNode[] cur = ended;
    int keep = Math.min(cur.length, ENDED - 1);
    GrantNode[] n = new GrantNode[keep + 1];
    n[0] = g;
    System.arraycopy(cur, 0, n, 1, keep);
    ended = n;
    return cur.length > keep ? cur[cur.length - 1] : null;
  }

  /** Forgets an ended grant (the global bound on kept ended grants pushed it out). */
  void forgetEnded(GrantNode g) {
    ended = without(ended, g);
  }

  /** Returns every active grant, in issue order. */
  Iterator<GrantNode> active() {
    return iterable(view()).iterator();
  }
}
