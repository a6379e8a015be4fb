package dev.remit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Delegation only narrows: for random chains of grants that {@link Remit#issue} accepts and random
 * calls, whenever the last holder is allowed, every ancestor's holder asked the same call (in a
 * fresh decision point with the same grants and clock) is allowed by its own grant. Effective
 * authority is a subset of every ancestor's.
 *
 * <p>Grants and their scopes carry random constraints; children mostly keep their parent's,
 * sometimes drop, loosen or move them between scope and grant level (issuance refuses the ones
 * that widen). Constraints on {@code agent.*} are left out on purpose: they are evaluated against whoever
 * acts, so "the same call" by another agent is not the same call for them.
 */
class DelegationPropertiesTest {
  private static final Instant T0 = Fixtures.T0;
  private static final String[] HOLDERS = {"a0", "a1", "a2", "a3"};
  private static final String[] TOOLS = {"payments", "crm", "s3"};
  private static final String[][] OPS = {{"read", "transfer"}, {"read", "write"}, {"get", "put"}};
  private static final String[] RESOURCE_PATTERNS =
      {"**", "r/**", "r/a/**", "r/a/*", "r/a/b", "r/*", "x", "r/b/**", "r/*/b"};
  private static final String[] RESOURCES = {"r/a", "r/a/b", "r/a/b/c", "r/b/c", "x", "r/c", "r/c/b"};
  private static final String[] CONSTRAINTS = {
      "args.n <= 3", "args.n <= 5", "args.n < 5", "args.n >= 2", "args.n > 2", "args.n == 4", "args.n in [2, 4]",
      "args.n != 0", "args.c in [x, y]", "args.c in [x]", "args.c != z", "args.c not in [z, y]", "args.c == x",
      "args.c not in [z, 1]", "args.p matches \"r/**\"", "args.p matches \"r/a/*\"", "resource.id matches \"r/**\"",
      "resource.id != x"};
  private static final TimeWindow[] WINDOWS = {
      null,
      window(9, 0, 17, 0),
      window(10, 0, 12, 0),
      window(22, 0, 6, 0),
      new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 0), ZoneOffset.UTC, Set.of(DayOfWeek.MONDAY)),
      window(0, 0, 23, 59)};
  private static final Duration[] EXPIRIES = {Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(24)};
  private static final Duration[] TIMES = {Duration.ZERO, Duration.ofMinutes(30), Duration.ofMinutes(30),
      Duration.ofMinutes(30), Duration.ofMinutes(45), Duration.ofHours(3),
      Duration.ofMinutes(12 * 60 + 30), Duration.ofHours(20)};

  private static TimeWindow window(int h1, int m1, int h2, int m2) {
    return new TimeWindow(LocalTime.of(h1, m1), LocalTime.of(h2, m2), ZoneOffset.UTC, Set.of());
  }

  private static Policy world() {
    Policy.Builder b = Policy.builder().version("prop")
        .tool(Tool.of("payments", "read", RiskClass.READ, "transfer", RiskClass.MONEY_MOVEMENT))
        .tool(Tool.of("crm", "read", RiskClass.READ, "write", RiskClass.WRITE))
        .tool(Tool.of("s3", "get", RiskClass.READ, "put", RiskClass.WRITE))
        .principal(Principal.human("alice", List.of(Scope.all("**", "**"))));
    for (String h : HOLDERS) {
      b.agent(Agent.of(h, "alice", "property test", "staging"));
    }
    return b.build();
  }

  private static <T> T pick(Random rnd, T[] a) {
    return a[rnd.nextInt(a.length)];
  }

  private static Scope randomScope(Random rnd) {
    int t = rnd.nextInt(TOOLS.length + 1);
    String tool = t == TOOLS.length ? "*" : TOOLS[t];
    List<String> ops = new ArrayList<>();
    if (t == TOOLS.length || rnd.nextInt(4) == 0) {
      ops.add("*");
    } else {
      for (String op : OPS[t]) {
        if (rnd.nextBoolean()) {
          ops.add(op);
        }
      }
      if (ops.isEmpty()) {
        ops.add(OPS[t][0]);
      }
    }
    List<String> resources = new ArrayList<>();
    resources.add(pick(rnd, RESOURCE_PATTERNS));
    if (rnd.nextInt(3) == 0) {
      resources.add(pick(rnd, RESOURCE_PATTERNS));
    }
    List<Constraint> constraints = new ArrayList<>();
    if (rnd.nextInt(3) == 0) {
      for (int i = 1 + rnd.nextInt(2); i > 0; i--) {
        constraints.add(Constraint.parse(pick(rnd, CONSTRAINTS)));
      }
    }
    return new Scope(List.of(tool), ops, resources, constraints);
  }

  /** Mostly keeps {@code cs}, sometimes drops one or adds a random one (a loosening child is refused). */
  private static List<Constraint> vary(Random rnd, List<Constraint> cs) {
    List<Constraint> out = new ArrayList<>();
    for (Constraint c : cs) {
      if (rnd.nextInt(8) > 0) {
        out.add(c);
      }
    }
    if (rnd.nextInt(4) == 0) {
      out.add(Constraint.parse(pick(rnd, CONSTRAINTS)));
    }
    return out;
  }

  /** A random grant; below a parent it mostly copies the parent's parts, so many are accepted. */
  private static Grant.Builder randomGrant(Random rnd, String id, String holder, Grant parent) {
    Grant.Builder b = Grant.builder(id).holder(holder);
    boolean derive = parent != null && rnd.nextInt(10) < 8;
    if (parent == null) {
      b.principal("alice");
    } else {
      b.parent(parent.id());
    }
    List<Scope> scopes = new ArrayList<>();
    if (derive) {
      for (Scope s : parent.scopes()) {
        if (rnd.nextInt(5) > 0) {
          Scope kept = rnd.nextInt(3) == 0
              ? new Scope(s.tools(), s.operations(), List.of(pick(rnd, RESOURCE_PATTERNS)), s.constraints()) : s;
          scopes.add(rnd.nextInt(3) == 0 ? kept.withConstraints(vary(rnd, kept.constraints())) : kept);
        }
      }
      if (rnd.nextInt(4) == 0 || scopes.isEmpty()) {
        scopes.add(randomScope(rnd));
      }
    } else {
      int n = 1 + rnd.nextInt(2);
      for (int i = 0; i < n; i++) {
        scopes.add(randomScope(rnd));
      }
    }
    if (derive) {
      for (Constraint c : parent.constraints()) {
        int where = rnd.nextInt(8);
        if (where == 0) {
          continue; // dropped: refused unless a scope constraint implies it
        }
        if (where == 1) {
          // kept in every scope (or, by chance, only some) instead of at the grant level
          for (int i = 0; i < scopes.size(); i++) {
            if (rnd.nextInt(6) > 0) {
              List<Constraint> cs = new ArrayList<>(scopes.get(i).constraints());
              cs.add(c);
              scopes.set(i, scopes.get(i).withConstraints(cs));
            }
          }
        } else {
          b.constraint(c);
        }
      }
    }
    scopes.forEach(b::scope);
    int extra = rnd.nextInt(3);
    for (int i = 0; i < extra; i++) {
      b.constraint(pick(rnd, CONSTRAINTS));
    }
    TimeWindow w = derive && rnd.nextInt(3) > 0 ? parent.window() : pick(rnd, WINDOWS);
    if (w != null) {
      b.window(w);
    }
    b.expiresAt(derive && rnd.nextBoolean() ? parent.expiresAt() : T0.plus(pick(rnd, EXPIRIES)));
    int nb = rnd.nextInt(6);
    if (derive && parent.notBefore() != null && nb < 4) {
      b.notBefore(parent.notBefore());
    } else if (nb == 4) {
      b.notBefore(T0.plus(Duration.ofMinutes(20)));
    } else if (nb == 5) {
      b.notBefore(T0.minus(Duration.ofHours(1)));
    }
    if (derive && parent.maxCalls() != Grant.UNLIMITED && rnd.nextBoolean()) {
      b.maxCalls(Math.max(1, parent.maxCalls() - rnd.nextInt(2)));
    } else if (rnd.nextBoolean()) {
      b.maxCalls(1 + rnd.nextInt(5));
    }
    String task = derive && rnd.nextInt(4) > 0 ? parent.task() : (rnd.nextInt(4) == 0 ? "t1" : null);
    if (task != null) {
      b.task(task);
    }
    return b;
  }

  /** A random call, usually aimed inside one of {@code aim}'s scopes so that some are allowed. */
  private static Request randomCall(Random rnd, String subject, Grant aim) {
    int t = rnd.nextInt(TOOLS.length);
    String op = pick(rnd, OPS[t]);
    String resource = pick(rnd, RESOURCES);
    if (aim != null && rnd.nextInt(5) > 0) {
      Scope s = aim.scopes().get(rnd.nextInt(aim.scopes().size()));
      for (int i = 0; i < TOOLS.length; i++) {
        if (s.tools().get(0).equals(TOOLS[i])) {
          t = i;
        }
      }
      op = s.operations().contains("*") ? pick(rnd, OPS[t]) : s.operations().get(rnd.nextInt(s.operations().size()));
      List<String> inside = new ArrayList<>();
      for (String r : RESOURCES) {
        if (s.resources().stream().anyMatch(p -> dev.remit.internal.policy.Glob.compile(p).matches(r))) {
          inside.add(r);
        }
      }
      if (!inside.isEmpty()) {
        resource = inside.get(rnd.nextInt(inside.size()));
      }
    }
    if (!List.of(OPS[t]).contains(op)) {
      op = pick(rnd, OPS[t]);
    }
    Request.Builder r = Request.of(subject, TOOLS[t], op).resource(resource);
    int n = rnd.nextInt(7);
    if (n < 6) {
      r.arg("n", new int[] {2, 4, 2, 4, 0, 6}[n]);
    }
    int c = rnd.nextInt(7);
    if (c < 6) {
      r.arg("c", c == 5 ? (Object) 1 : new String[] {"x", "x", "x", "y", "z"}[c]);
    }
    if (rnd.nextInt(5) > 0) {
      r.arg("p", rnd.nextBoolean() ? "r/a/b" : pick(rnd, RESOURCES));
    }
    return r.build();
  }

  private static Request as(Request r, String subject) {
    return new Request(subject, r.tool(), r.operation(), r.resource(), r.resourceType(), r.args(),
        r.resourceProperties(), r.context());
  }

  /** Issues what it can of a random chain; returns the grants as stored, root first. */
  private static List<Grant> issueChain(Remit remit, Random rnd) {
    List<Grant> chain = new ArrayList<>();
    for (int attempt = 0; attempt < 10 && chain.isEmpty(); attempt++) {
      try {
        chain.add(Fixtures.issue(remit, randomGrant(rnd, "g0-" + attempt, HOLDERS[0], null)));
      } catch (GrantRefusedException e) {
        // try another root
      }
    }
    for (int level = 1; level < HOLDERS.length && !chain.isEmpty(); level++) {
      Grant parent = chain.get(chain.size() - 1);
      for (int attempt = 0; attempt < 6; attempt++) {
        try {
          chain.add(Fixtures.issue(remit, randomGrant(rnd, "g" + level + "-" + attempt, HOLDERS[level], parent)));
          break;
        } catch (GrantRefusedException e) {
          // a widening child is refused; try another
        }
      }
      if (chain.size() == level) {
        break;
      }
    }
    return chain;
  }

  @Property(tries = 600)
  void aDelegatedGrantNeverAllowsWhatAnAncestorWouldNot(@ForAll long seed) {
    Random rnd = new Random(seed);
    MutableClock clock = new MutableClock(T0);
    Remit remit = Remit.builder().policy(world()).clock(clock).build();
    List<Grant> chain = issueChain(remit, rnd);
    if (chain.isEmpty()) {
      Statistics.label("depth").collect(0);
      return;
    }
    clock.set(T0.plus(pick(rnd, TIMES)));
    Grant leaf = chain.get(chain.size() - 1);
    Request call = randomCall(rnd, leaf.holder(), leaf);
    Decision d = remit.authorize(call);
    Statistics.label("depth").collect(chain.size());
    Statistics.label("leaf outcome").collect(d.outcome() + (chain.size() > 1 ? " (delegated)" : ""));
    if (!d.allowed()) {
      return;
    }
    assertThat(d.grant()).isEqualTo(leaf.id());
    for (int i = 0; i < chain.size() - 1; i++) {
      MutableClock c2 = new MutableClock(T0);
      Remit fresh = Remit.builder().policy(world()).clock(c2).build();
      for (int j = 0; j <= i; j++) {
        Fixtures.issue(fresh, chain.get(j));
      }
      c2.set(clock.instant());
      Grant ancestor = chain.get(i);
      Decision a = fresh.authorize(as(call, ancestor.holder()));
      assertThat(a.allowed()).as("'%s' (%s) was allowed %s.%s on %s with %s at %s, but its ancestor '%s' (%s) "
              + "was not: %s", leaf.id(), leaf.holder(), call.tool(), call.operation(), call.resource(), call.args(),
          clock.instant(), ancestor.id(), ancestor.holder(), a.explain()).isTrue();
    }
  }

  /** Returns {@code g} as a root grant of alice held by {@code holder}, with all its other parts. */
  private static Grant asRoot(Grant g, String holder) {
    return new Grant(g.id(), "alice", holder, null, g.task(), g.scopes(), g.constraints(), g.notBefore(),
        g.expiresAt(), g.window(), g.maxCalls(), g.credential());
  }

  @Property(tries = 600)
  void anIssuedSubGrantOnItsOwnAllowsNothingItsParentOnItsOwnWouldNot(@ForAll long seed) {
    // the property above holds even if issuance let a widening child through, because every
    // decision re-checks the ancestors; this one takes the chain away and compares each child with
    // its parent alone, so it tests issuance (scope, scope-constraint and grant-constraint
    // narrowing) by itself
    Random rnd = new Random(seed);
    Remit remit = Remit.builder().policy(world()).clock(new MutableClock(T0)).build();
    List<Grant> chain = issueChain(remit, rnd);
    Statistics.label("depth").collect(chain.size());
    for (int i = 1; i < chain.size(); i++) {
      Grant child = chain.get(i);
      Grant parent = chain.get(i - 1);
      MutableClock c1 = new MutableClock(T0);
      MutableClock c2 = new MutableClock(T0);
      Remit childAlone = Remit.builder().policy(world()).clock(c1).withoutDecisionCache().build();
      Remit parentAlone = Remit.builder().policy(world()).clock(c2).withoutDecisionCache().build();
      Fixtures.issue(childAlone, asRoot(child, "a0"));
      Fixtures.issue(parentAlone, asRoot(parent, "a0"));
      for (int k = 0; k < 8; k++) {
        Instant at = T0.plus(pick(rnd, TIMES));
        c1.set(at);
        c2.set(at);
        Request call = randomCall(rnd, "a0", child);
        Decision c = childAlone.authorize(call);
        Statistics.label("child alone").collect(c.outcome());
        if (c.allowed()) {
          Decision p = parentAlone.authorize(call);
          assertThat(p.allowed()).as("'%s' alone allowed %s.%s on %s with %s at %s, but its parent '%s' alone did "
                  + "not: %s%nchild: %s%nparent: %s", child.id(), call.tool(), call.operation(), call.resource(),
              call.args(), at, parent.id(), p.explain(), child, parent).isTrue();
        }
      }
    }
  }

  @Property(tries = 300)
  void anIssuedSubGrantIsNeverWiderThanItsParentOnAnyCall(@ForAll long seed) {
    // the same chains, but every holder is asked the same call in one decision point: a delegated
    // holder allowed implies its parent's holder allowed (budgets are large enough not to interfere)
    Random rnd = new Random(seed);
    MutableClock clock = new MutableClock(T0);
    Remit remit = Remit.builder().policy(world()).clock(clock).build();
    List<Grant> chain = issueChain(remit, rnd);
    clock.set(T0.plus(pick(rnd, TIMES)));
    for (int k = 0; k < 5 && chain.size() > 1; k++) {
      Request call = randomCall(rnd, "a0", chain.get(chain.size() - 1));
      for (int i = chain.size() - 1; i >= 1; i--) {
        Grant child = chain.get(i);
        Grant parent = chain.get(i - 1);
        boolean childCovered = dev.remit.internal.policy.CompiledScope.anyCovers(
            dev.remit.internal.policy.CompiledScope.compile(child.scopes()), call.tool(), call.operation(), call.resource());
        boolean parentCovered = dev.remit.internal.policy.CompiledScope.anyCovers(
            dev.remit.internal.policy.CompiledScope.compile(parent.scopes()), call.tool(), call.operation(), call.resource());
        assertThat(!childCovered || parentCovered).as("scope of '%s' covers %s.%s on %s but its parent's does not",
            child.id(), call.tool(), call.operation(), call.resource()).isTrue();
        assertThat(child.expiresAt()).isBeforeOrEqualTo(parent.expiresAt());
        if (parent.maxCalls() != Grant.UNLIMITED) {
          assertThat(child.maxCalls()).isBetween(1L, parent.maxCalls());
        }
        if (parent.window() != null) {
          assertThat(child.window()).isNotNull();
          assertThat(child.window().within(parent.window())).isTrue();
        }
      }
    }
  }
}
