package dev.remit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A short-lived, task-scoped permission held by one agent (or component) on behalf of a principal.
 *
 * <p>A <em>root</em> grant is issued by a principal ({@code principal} set, {@code parent} null)
 * and may not exceed the principal's entitlements. A <em>sub-grant</em> ({@code parent} set) is
 * issued by the holder of the parent grant to another agent or component and may only narrow:
 * its scopes (with their constraints), constraints, validity, time window and call budget must
 * each fit inside the parent's. Remit refuses a sub-grant that does not, and re-checks the whole chain up to the
 * principal's current entitlements on every decision.
 *
 * @param id unique grant id
 * @param principal original principal for a root grant; null for a sub-grant (inherited)
 * @param holder id of the agent or component that holds the grant
 * @param parent id of the parent grant, or null for a root grant
 * @param task task id the grant is scoped to, or null; a request naming a task in
 *     {@code context.task} is only matched against grants of that task
 * @param scopes the actions the grant covers (any of them), at least one; a scope's own
 *     constraints limit only the calls that scope covers
 * @param constraints conditions every covered call must satisfy (all of them), whichever scope covers it
 * @param notBefore first instant the grant is valid (inclusive), or null for "from issuance"
 * @param expiresAt instant the grant stops being valid (exclusive); required
 * @param window recurring time window the grant is valid in, or null
 * @param maxCalls how many calls the grant allows in all, or {@link #UNLIMITED}
 * @param credential the credential to mint for allowed calls, or null
 */
public record Grant(
    String id, String principal, String holder, String parent, String task, List<Scope> scopes,
    List<Constraint> constraints, Instant notBefore, Instant expiresAt, TimeWindow window,
    long maxCalls, CredentialSpec credential) {

  /** {@link #maxCalls} value meaning no call limit. */
  public static final long UNLIMITED = -1;

  public Grant {
    Names.requireId(id, "grant id");
    Names.requireId(holder, "grant holder");
    if (parent == null) {
      Objects.requireNonNull(principal, "grant " + id + ": a root grant needs a principal");
      Names.requireId(principal, "principal");
    } else {
      Names.requireId(parent, "parent grant");
      if (parent.equals(id)) {
        throw new IllegalArgumentException("grant " + id + " cannot be its own parent");
      }
      if (principal != null) {
        Names.requireId(principal, "principal");
      }
    }
    if (task != null) {
      Names.requireId(task, "task");
    }
    scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("grant " + id + " must have at least one scope");
    }
    constraints = List.copyOf(Objects.requireNonNull(constraints, "constraints"));
    Objects.requireNonNull(expiresAt, "grant " + id + ": expiresAt is required (grants are short-lived)");
    if (notBefore != null && !notBefore.isBefore(expiresAt)) {
      throw new IllegalArgumentException("grant " + id + ": notBefore " + notBefore
          + " is not before expiresAt " + expiresAt);
    }
    if (maxCalls < UNLIMITED || maxCalls == 0) {
      throw new IllegalArgumentException("grant " + id + ": maxCalls must be positive or UNLIMITED, was "
          + maxCalls);
    }
  }

  /** Returns a builder for a grant with the given id. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** Returns whether this grant has a parent. */
  public boolean isDelegated() {
    return parent != null;
  }

  /** Returns a builder initialised with this grant's parts. */
  public Builder toBuilder() {
    Builder b = new Builder(id);
    b.principal = principal;
    b.holder = holder;
    b.parent = parent;
    b.task = task;
    b.scopes.addAll(scopes);
    b.constraints.addAll(constraints);
    b.notBefore = notBefore;
    b.expiresAt = expiresAt;
    b.window = window;
    b.maxCalls = maxCalls;
    b.credential = credential;
    return b;
  }

  /** Builder for {@link Grant}; each setter checks its argument, {@link #build} the whole. */
  public static final class Builder {
    private final String id;
    private String principal;
    private String holder;
    private String parent;
    private String task;
    private final List<Scope> scopes = new ArrayList<>();
    private final List<Constraint> constraints = new ArrayList<>();
    private Instant notBefore;
    private Instant expiresAt;
    private Duration ttl;
    private TimeWindow window;
    private long maxCalls = UNLIMITED;
    private CredentialSpec credential;

    private Builder(String id) {
      this.id = Names.requireId(id, "grant id");
    }

    /** Sets the principal on whose behalf a root grant is issued. */
    public Builder principal(String principalId) {
      this.principal = Names.requireId(principalId, "principal");
      return this;
    }

    /** Sets the agent or component that holds the grant. */
    public Builder holder(String agentId) {
      this.holder = Names.requireId(agentId, "holder");
      return this;
    }

    /** Makes this a sub-grant of {@code parentGrantId}. */
    public Builder parent(String parentGrantId) {
      this.parent = Names.requireId(parentGrantId, "parent grant");
      return this;
    }

    /** Scopes the grant to one task. */
    public Builder task(String taskId) {
      this.task = Names.requireId(taskId, "task");
      return this;
    }

    /** Adds a scope. */
    public Builder scope(Scope scope) {
      scopes.add(Objects.requireNonNull(scope, "scope"));
      return this;
    }

    /** Adds a scope of one tool pattern, some operations and one resource pattern. */
    public Builder allow(String tool, List<String> operations, String resource) {
      return scope(Scope.of(tool, operations, resource));
    }

    /** Adds a constraint, e.g. {@code "args.amount <= 500"}. */
    public Builder constraint(String text) {
      constraints.add(Constraint.parse(text));
      return this;
    }

    /** Adds a constraint. */
    public Builder constraint(Constraint c) {
      constraints.add(Objects.requireNonNull(c, "constraint"));
      return this;
    }

    /** Sets the first valid instant. */
    public Builder notBefore(Instant instant) {
      this.notBefore = Objects.requireNonNull(instant, "notBefore");
      return this;
    }

    /** Sets the expiry instant (exclusive). */
    public Builder expiresAt(Instant instant) {
      this.expiresAt = Objects.requireNonNull(instant, "expiresAt");
      this.ttl = null;
      return this;
    }

    /**
     * Sets the lifetime relative to issuance: when issued through {@link Remit#issue}, expiry is
     * the decision point's clock plus {@code ttl} (after {@code notBefore} if one is set).
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("ttl must be positive, was " + ttl);
      }
      this.ttl = ttl;
      this.expiresAt = null;
      return this;
    }

    /** Restricts the grant to a recurring time window. */
    public Builder window(TimeWindow w) {
      this.window = Objects.requireNonNull(w, "window");
      return this;
    }

    /** Limits the total number of calls the grant (with all its sub-grants) allows. */
    public Builder maxCalls(long n) {
      if (n <= 0) {
        throw new IllegalArgumentException("maxCalls must be positive, was " + n);
      }
      this.maxCalls = n;
      return this;
    }

    /** Declares the credential to mint for allowed calls. */
    public Builder credential(CredentialSpec spec) {
      this.credential = Objects.requireNonNull(spec, "credential");
      return this;
    }

    /** Returns the ttl set with {@link #ttl}, or null. */
    Duration ttl() {
      return ttl;
    }

    /**
     * Returns the grant, resolving a relative {@link #ttl} against {@code now}.
     *
     * @throws IllegalStateException if the holder or expiry is missing
     */
    public Grant build(Instant now) {
      Instant exp = expiresAt;
      if (exp == null && ttl != null) {
        exp = (notBefore != null && notBefore.isAfter(now) ? notBefore : now).plus(ttl);
      }
      return build0(exp);
    }

    /**
     * Returns the grant.
     *
     * @throws IllegalStateException if the holder or an absolute expiry is missing
     */
    public Grant build() {
      if (expiresAt == null && ttl != null) {
        throw new IllegalStateException("grant " + id
            + " has a relative ttl; build it with build(now) or issue the builder through Remit");
      }
      return build0(expiresAt);
    }

    private Grant build0(Instant exp) {
      if (holder == null) {
        throw new IllegalStateException("grant " + id + " has no holder");
      }
      if (exp == null) {
        throw new IllegalStateException("grant " + id + " has no expiry; set expiresAt or ttl");
      }
      if (parent == null && principal == null) {
        throw new IllegalStateException("grant " + id + " needs a principal or a parent grant");
      }
      return new Grant(id, principal, holder, parent, task, scopes, constraints, notBefore, exp,
          window, maxCalls, credential);
    }
  }
}
