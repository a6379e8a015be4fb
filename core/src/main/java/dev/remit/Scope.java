package dev.remit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A set of actions: any of {@code tools} × any of {@code operations} × any of {@code resources},
 * optionally only when its own {@code constraints} hold.
 *
 * <p>Tools and resources are glob patterns (see {@code docs/policy-format.md}): {@code *} matches any run
 * of characters within one {@code /}-separated segment, {@code **} matches across segments, every
 * other character matches itself. Operations are names or {@code *} for all operations of the tool.
 *
 * <p>A scope's constraints limit only the calls this scope covers, so one grant can hold, say, an
 * unconstrained search scope and a payment scope limited to {@code args.amount <= 500}. A grant
 * covers a call when some scope of it covers the tool, operation and resource <em>and</em> that
 * scope's constraints all hold, and the grant's own constraints hold too. The same applies to a
 * principal's entitlements.
 *
 * @param tools tool name patterns, at least one
 * @param operations operation names or {@code *}, at least one
 * @param resources resource id patterns, at least one ({@code **} for any resource)
 * @param constraints conditions every call this scope covers must satisfy (all of them); may be empty
 */
public record Scope(List<String> tools, List<String> operations, List<String> resources,
    List<Constraint> constraints) {

  public Scope {
    tools = Names.requirePatterns(tools, "tools");
    operations = Names.requireOperations(operations);
    resources = Names.requirePatterns(resources, "resources");
    constraints = List.copyOf(Objects.requireNonNull(constraints, "constraints"));
  }

  /** Returns a scope without constraints of its own. */
  public Scope(List<String> tools, List<String> operations, List<String> resources) {
    this(tools, operations, resources, List.of());
  }

  /** Returns a scope of one tool pattern, the given operations and one resource pattern. */
  public static Scope of(String tool, List<String> operations, String resource) {
    return new Scope(List.of(tool), operations, List.of(resource));
  }

  /** Returns a scope covering every operation of matching tools on matching resources. */
  public static Scope all(String tool, String resource) {
    return new Scope(List.of(tool), List.of("*"), List.of(resource));
  }

  /** Returns a copy of this scope with {@code newConstraints} as its constraints (replacing any). */
  public Scope withConstraints(List<Constraint> newConstraints) {
    return new Scope(tools, operations, resources, newConstraints);
  }

  /**
   * Returns a copy of this scope with the constraints written in {@code texts} (replacing any),
   * e.g. {@code Scope.of("payments", List.of("charge"), "trips/**").withConstraints("args.amount <= 500")}.
   *
   * @throws IllegalArgumentException if a text is not a constraint; the message says why
   */
  public Scope withConstraints(String... texts) {
    List<Constraint> cs = new ArrayList<>(texts.length);
    for (String t : texts) {
      cs.add(Constraint.parse(Objects.requireNonNull(t, "constraint")));
    }
    return withConstraints(cs);
  }
}
