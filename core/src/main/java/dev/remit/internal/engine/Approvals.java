package dev.remit.internal.engine;

import dev.remit.Approval;
import dev.remit.Principal;
import dev.remit.Request;
import dev.remit.internal.Canonical;
import dev.remit.internal.policy.Attr;
import dev.remit.internal.policy.RuleNode;
import dev.remit.spi.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open approvals: issuing, checking a presented approval against what a call needs, using it up.
 *
 * <p>An approval is given by one approver in one role and covers every requirement (rule or stage)
 * of the call that asks for that role. A call several requirements with different roles guard
 * presents one approval per role ({@code context.approval} a list of ids). Each presented approval
 * must be valid — known, unexpired, with uses left, for this subject, tool, operation and resource,
 * bound to the values this call has, and given by an approver who <em>still</em> is a human
 * principal holding the role in the policy in force.
 */
final class Approvals {
  /** Most approvals one call may present. */
  static final int MAX_PRESENTED = 8;
  static final int MAX_OPEN = 100_000;

  /**
   * Something a call needs an approval for.
   *
   * @param id the rule id, or {@code stage:<name>}
   * @param role the role an approver needs
   * @param description for the approver, or null
   * @param bind the attributes the approval is bound to; null binds all the arguments
   */
  record Requirement(String id, String role, String description, Attr[] bind) {
    static Requirement of(RuleNode rule) {
      return new Requirement(rule.rule.id(), rule.rule.approverRole(), rule.rule.description(),
          rule.bind.length == 0 ? null : rule.bind);
    }
  }

  /** An open approval and its use counter. */
  static final class Entry {
    final Approval approval;
    final StateStore.Counter uses;
    /** Set once the approval was seen expired: it never becomes valid again, even if the clock steps back. */
    private volatile boolean expired;

    Entry(Approval approval, StateStore.Counter uses) {
      this.approval = approval;
      this.uses = uses;
    }

    boolean usedUp() {
      return uses.value() >= approval.uses();
    }

    boolean expiredAt(long now) {
      if (expired) {
        return true;
      }
      if (now >= approval.expiresAt().toEpochMilli()) {
        expired = true;
        return true;
      }
      return false;
    }
  }

  private final ConcurrentHashMap<String, Entry> open = new ConcurrentHashMap<>();
  /** By expiry; guarded by the engine lock. */
  private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>(
      (a, b) -> a.approval.expiresAt().compareTo(b.approval.expiresAt()));

  static String counterKey(String approvalId) {
    return "approval:" + approvalId;
  }

  /** Returns the ids presented in {@code context.approval} (a string or a list of strings), or null if none; see {@link #shapeProblem}. */
  @SuppressWarnings("unchecked")
  static List<String> presented(Request r) {
    Object a = r.context().get("approval");
    if (a == null) {
      return null;
    }
    if (a instanceof String) {
      return List.of((String) a);
    }
    return (List<String>) a;
  }

  /** Returns why {@code context.approval} is not one id or a short list of ids, or null. */
  static String shapeProblem(Object a) {
    if (a == null || a instanceof String) {
      return null;
    }
    if (!(a instanceof List)) {
      return "context.approval must be an approval id string, or a list of 1 to " + MAX_PRESENTED + " of them";
    }
    List<?> l = (List<?>) a;
    if (l.isEmpty() || l.size() > MAX_PRESENTED) {
      return "context.approval must be an approval id string, or a list of 1 to " + MAX_PRESENTED + " of them";
    }
    for (Object o : l) {
      if (!(o instanceof String)) {
        return "context.approval must be an approval id string, or a list of 1 to " + MAX_PRESENTED + " of them";
      }
    }
    return null;
  }

  /** Returns the canonical values a requirement binds in this call, by attribute path. */
  static Map<String, String> bindings(Requirement req, Call call) {
    Map<String, String> m = new TreeMap<>();
    if (req.bind() == null) {
      m.put("args", Canonical.ofBound(call.request.args()));
      return m;
    }
    for (Attr a : req.bind()) {
      // resolve against the real call: agent.* and tool.* bindings need its agent and catalog entry
      Object v = a.resolve(call);
      m.put(a.path(), v == Attr.MISSING ? "<missing>" : Canonical.ofBound(v));
    }
    return m;
  }

  /**
   * Returns why the presented approvals do not satisfy every requirement, or null when they do;
   * then {@code use} holds the approvals to use up (each once).
   */
  String problem(List<String> ids, List<Requirement> needed, Call call, Snapshot s, List<Entry> use) {
    Request r = call.request;
    List<Entry> valid = new ArrayList<>(ids.size());
    for (String id : ids) {
      Entry e = open.get(id);
      if (e == null) {
        return "approval '" + id + "' is not known";
      }
      Approval a = e.approval;
      if (e.expiredAt(call.now)) {
        return "approval '" + id + "' expired at " + a.expiresAt();
      }
      if (e.usedUp()) {
        return "approval '" + id + "' has been used up";
      }
      if (!a.subject().equals(r.subject()) || !a.tool().equals(r.tool())
          || !a.operation().equals(r.operation()) || !Objects.equals(a.resource(), r.resource())) {
        return "approval '" + id + "' was given for " + a.subject() + " calling " + a.tool() + "." + a.operation()
            + " on '" + a.resource() + "', not for this call";
      }
      Principal p = s.principals.get(a.approver());
      if (p == null || p.kind() != Principal.Kind.HUMAN || !p.roles().contains(a.role())) {
        return "approval '" + id + "' was given by '" + a.approver() + "' as '" + a.role()
            + "', which the policy in force no longer allows (not a human principal holding that role)";
      }
      valid.add(e);
    }
    for (Requirement req : needed) {
      Entry found = null;
      String mismatch = null;
      Entry otherRole = null;
      for (Entry e : valid) {
        if (!e.approval.role().equals(req.role())) {
          otherRole = e;
          continue;
        }
        String why = boundProblem(e.approval, req, call);
        if (why == null) {
          found = e;
          break;
        }
        mismatch = why;
      }
      if (found == null) {
        if (mismatch != null) {
          return mismatch;
        }
        return describe(req) + " needs an approver with role '" + req.role() + "' but "
            + (otherRole == null ? "no approval presented was given in that role"
                : "approval '" + otherRole.approval.id() + "' was given as '" + otherRole.approval.role() + "'");
      }
      if (!use.contains(found)) {
        use.add(found);
      }
    }
    return null;
  }

  /** Returns "rule 'id'" or "stage 'name'". */
  static String describe(Requirement req) {
    return req.id().startsWith("stage:") ? "stage '" + req.id().substring(6) + "'" : "rule '" + req.id() + "'";
  }

  private static String boundProblem(Approval a, Requirement req, Call call) {
    for (Map.Entry<String, String> b : bindings(req, call).entrySet()) {
      String approved = a.bound().get(b.getKey());
      if (!b.getValue().equals(approved)) {
        return "approval '" + a.id() + "' is bound to " + b.getKey() + " = "
            + (approved == null ? "<unbound>" : cut(approved)) + " but this call has " + cut(b.getValue());
      }
    }
    return null;
  }

  private static String cut(String canonical) {
    return canonical.length() <= 200 ? canonical : canonical.substring(0, 200) + "…";
  }

  /** Uses each approval once, all or none; returns null if it did, else the approval that was used up meanwhile. */
  static Entry use(List<Entry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (!e.uses.tryIncrement(e.approval.uses())) {
        for (int j = 0; j < i; j++) {
          entries.get(j).uses.decrement();
        }
        return e;
      }
    }
    return null;
  }

  /** Returns whether there is room for another open approval, after forgetting expired and used-up ones. Engine lock held. */
  boolean room(long now) {
    expire(now);
    if (open.size() < MAX_OPEN) {
      return true;
    }
    open.values().removeIf(Entry::usedUp);
    return open.size() < MAX_OPEN;
  }

  /** Adds an open approval. Engine lock held. */
  void add(Entry e) {
    open.put(e.approval.id(), e);
    byExpiry.add(e);
  }

  /** Forgets approvals that expired at {@code now}. Engine lock held. */
  void expire(long now) {
    for (Entry e; (e = byExpiry.peek()) != null && e.approval.expiresAt().toEpochMilli() <= now; ) {
      byExpiry.poll();
      open.remove(e.approval.id(), e);
    }
  }

  /** Returns the open approvals (for exports). */
  List<Entry> open() {
    return new ArrayList<>(open.values());
  }

  int size() {
    return open.size();
  }
}
