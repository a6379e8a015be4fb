package dev.remit;

import java.util.List;

/**
 * A set of actions: any of {@code tools} × any of {@code operations} × any of {@code resources}.
 *
 * <p>Tools and resources are glob patterns (see {@code docs/policy-format.md}): {@code *} matches any run
 * of characters within one {@code /}-separated segment, {@code **} matches across segments, every
 * other character matches itself. Operations are names or {@code *} for all operations of the tool.
 *
 * @param tools tool name patterns, at least one
 * @param operations operation names or {@code *}, at least one
 * @param resources resource id patterns, at least one ({@code **} for any resource)
 */
public record Scope(List<String> tools, List<String> operations, List<String> resources) {

  public Scope {
    tools = Names.requirePatterns(tools, "tools");
    operations = Names.requireOperations(operations);
    resources = Names.requirePatterns(resources, "resources");
  }

  /** Returns a scope of one tool pattern, the given operations and one resource pattern. */
  public static Scope of(String tool, List<String> operations, String resource) {
    return new Scope(List.of(tool), operations, List.of(resource));
  }

  /** Returns a scope covering every operation of matching tools on matching resources. */
  public static Scope all(String tool, String resource) {
    return new Scope(List.of(tool), List.of("*"), List.of(resource));
  }
}
