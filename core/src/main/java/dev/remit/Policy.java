package dev.remit;

import dev.remit.internal.policy.PolicyReader;
import dev.remit.internal.policy.Validation;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The whole configuration Remit decides by: agents, principals, tool catalog, guardrail rules,
 * grants and settings. Immutable and validated as a whole: cross-references resolve, every
 * sub-grant fits inside its parent and every root grant inside its principal's entitlements.
 *
 * <p>Load one from YAML or JSON with {@link #load(Path)}, {@link #loadResource(String)} or
 * {@link #load(InputStream, String)} (format in {@code docs/policy-format.md}) or build one with
 * {@link #builder()}.
 */
public final class Policy {
  /** Default maximum number of grants in a delegation chain. */
  public static final int DEFAULT_MAX_DELEGATION_DEPTH = 4;

  private final String version;
  private final String source;
  private final int maxDelegationDepth;
  private final List<Agent> agents;
  private final List<Principal> principals;
  private final List<Tool> tools;
  private final List<Rule> rules;
  private final List<Grant> grants;

  private Policy(Builder b) {
    this.version = b.version;
    this.source = b.source;
    this.maxDelegationDepth = b.maxDelegationDepth;
    this.agents = List.copyOf(b.agents);
    this.principals = List.copyOf(b.principals);
    this.tools = List.copyOf(b.tools);
    this.rules = List.copyOf(b.rules);
    this.grants = List.copyOf(b.grants);
  }

  /** Returns a builder for a policy built in Java. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the policy in a YAML ({@code .yaml}/{@code .yml}) or JSON ({@code .json}) file.
   *
   * @throws PolicyException listing every problem, each with the file, the path inside it and, where
   *     one is obvious, a suggestion
   */
  public static Policy load(Path file) {
    return PolicyReader.read(file);
  }

  /**
   * Returns the policy in the UTF-8 YAML or JSON document {@code in} holds, with the same 16 MiB
   * limit and parser defences as a file: at most one byte past the limit is read, so a larger or
   * endless stream is refused without being drained. The stream is not closed; the caller owns it.
   *
   * <p>{@code sourceName} names the document in every problem and chooses the format like a file
   * name: {@code .json} is JSON, {@code .yaml}/{@code .yml} is YAML, and any other name is read as
   * JSON when the first non-blank character is <code>{</code>, else as YAML.
   *
   * @throws PolicyException listing every problem, each naming {@code sourceName}; also when the
   *     stream cannot be read
   */
  public static Policy load(InputStream in, String sourceName) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(sourceName, "sourceName");
    return PolicyReader.read(in, sourceName);
  }

  /**
   * Returns the policy in a class path resource such as {@code "policies/travel.yaml"} (a file
   * under {@code src/main/resources}), found by the thread's context class loader, or by the class
   * loader of this library when the thread has none. Problems name the source
   * {@code classpath:policies/travel.yaml}; the format is chosen by the name as for
   * {@link #load(InputStream, String)}.
   *
   * @throws PolicyException when there is no such resource, or listing every problem in it
   */
  public static Policy loadResource(String resourceName) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return loadResource(context != null ? context : Policy.class.getClassLoader(), resourceName);
  }

  /**
   * Returns the policy in the class path resource {@code resourceName} as {@code loader} finds it.
   * Names are relative to the class path root ({@code "policies/travel.yaml"}); a leading
   * {@code /} is ignored. Problems name the source {@code classpath:} followed by the name.
   *
   * @throws PolicyException when {@code loader} has no such resource, or listing every problem
   *     in it
   */
  public static Policy loadResource(ClassLoader loader, String resourceName) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(resourceName, "resourceName");
    return PolicyReader.readResource(loader, resourceName);
  }

  /**
   * Returns the policy in {@code text}, a YAML or JSON document; {@code sourceName} names it in
   * error messages.
   *
   * @throws PolicyException listing every problem
   */
  public static Policy parse(String text, String sourceName) {
    return PolicyReader.read(text, sourceName);
  }

  /** Returns the version label of this policy (declared, or a digest of the document). */
  public String version() {
    return version;
  }

  /** Returns the file or other source the policy came from. */
  public String source() {
    return source;
  }

  public int maxDelegationDepth() {
    return maxDelegationDepth;
  }

  public List<Agent> agents() {
    return agents;
  }

  public List<Principal> principals() {
    return principals;
  }

  public List<Tool> tools() {
    return tools;
  }

  public List<Rule> rules() {
    return rules;
  }

  public List<Grant> grants() {
    return grants;
  }

  /** Returns the agent with that id, or null. */
  public Agent agent(String id) {
    for (Agent a : agents) {
      if (a.id().equals(id)) {
        return a;
      }
    }
    return null;
  }

  /** Returns a builder holding this policy's parts. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.version = version;
    b.source = source;
    b.maxDelegationDepth = maxDelegationDepth;
    b.agents.addAll(agents);
    b.principals.addAll(principals);
    b.tools.addAll(tools);
    b.rules.addAll(rules);
    b.grants.addAll(grants);
    return b;
  }

  /** Builder for {@link Policy}; {@link #build} validates the whole. */
  public static final class Builder {
    private String version;
    private String source = "<builder>";
    private int maxDelegationDepth = DEFAULT_MAX_DELEGATION_DEPTH;
    private final List<Agent> agents = new ArrayList<>();
    private final List<Principal> principals = new ArrayList<>();
    private final List<Tool> tools = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<Grant> grants = new ArrayList<>();

    private Builder() {}

    /** Sets the version label reported in every decision. */
    public Builder version(String v) {
      this.version = Objects.requireNonNull(v, "version");
      return this;
    }

    /** Names the source (file) in error messages. */
    public Builder source(String s) {
      this.source = Objects.requireNonNull(s, "source");
      return this;
    }

    /** Sets the maximum number of grants in a delegation chain (1–32). */
    public Builder maxDelegationDepth(int depth) {
      if (depth < 1 || depth > 32) {
        throw new IllegalArgumentException("maxDelegationDepth must be between 1 and 32, was " + depth);
      }
      this.maxDelegationDepth = depth;
      return this;
    }

    public Builder agent(Agent a) {
      agents.add(Objects.requireNonNull(a, "agent"));
      return this;
    }

    public Builder principal(Principal p) {
      principals.add(Objects.requireNonNull(p, "principal"));
      return this;
    }

    public Builder tool(Tool t) {
      tools.add(Objects.requireNonNull(t, "tool"));
      return this;
    }

    public Builder rule(Rule r) {
      rules.add(Objects.requireNonNull(r, "rule"));
      return this;
    }

    public Builder grant(Grant g) {
      grants.add(Objects.requireNonNull(g, "grant"));
      return this;
    }

    /** Sets the raw maximum depth without range checks (for loaders that report problems). */
    Builder rawMaxDelegationDepth(int depth) {
      this.maxDelegationDepth = depth;
      return this;
    }

    /**
     * Returns the policy.
     *
     * @throws PolicyException listing every cross-reference and narrowing problem
     */
    public Policy build() {
      if (version == null) {
        version = "unversioned";
      }
      Policy p = new Policy(this);
      List<Problem> problems = Validation.validate(p);
      if (!problems.isEmpty()) {
        throw new PolicyException(problems);
      }
      return p;
    }
  }
}
