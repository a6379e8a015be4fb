package dev.remit.bench;

import dev.remit.Agent;
import dev.remit.Grant;
import dev.remit.Policy;
import dev.remit.Principal;
import dev.remit.Remit;
import dev.remit.Request;
import dev.remit.Rule;
import dev.remit.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A decision point holding {@code grants} active grants: a delegation chain of {@code depth}
 * grants (agents {@code chain-0} … {@code chain-(depth-1)}, the last one calls tools) plus filler
 * root grants issued at runtime to {@code filler-*} agents, {@value #GRANTS_PER_FILLER} per agent.
 *
 * <p>Every link of the chain has the same 12 work scopes as the scenario's sub-grant and the
 * constraint {@code args.limit <= 100}, so the work per link is the same at every depth. A filler
 * grant is a typical small grant: one scope, one constraint, a 10-year expiry. The scenario's 20
 * forbid rules and alice's 40 entitlements are in force for the chain. Filler grants act for
 * {@code bob}, entitled to {@code **}: issuing a grant checks it against its principal's
 * entitlements (glob subsumption per scope pair), which against alice's 40 entries costs about
 * 10x more per issue and would make setting up a million grants take minutes.
 */
public final class ScalingWorld {
  public static final int GRANTS_PER_FILLER = 10;
  public static final String SUBJECT_PREFIX = "chain-";
  /** The principal behind the filler grants: entitled to everything (so issuing stays cheap). */
  public static final String FILLER_PRINCIPAL = "bob";

  public final Remit remit;
  public final int depth;
  public final int grants;
  public final String subject;

  private ScalingWorld(Remit remit, int depth, int grants) {
    this.remit = remit;
    this.depth = depth;
    this.grants = grants;
    this.subject = SUBJECT_PREFIX + (depth - 1);
  }

  /** Returns the number of filler agents needed for {@code grants} grants with a chain of {@code depth}. */
  public static int fillerAgents(int grants, int depth) {
    int filler = Math.max(0, grants - depth);
    return (filler + GRANTS_PER_FILLER - 1) / GRANTS_PER_FILLER;
  }

  /** Returns the policy: catalog, entitlements, rules, chain and filler agents, no grants. */
  public static Policy policy(int depth, int fillerAgents) {
    Policy.Builder b = Policy.builder().version("scaling").source("ScalingWorld").maxDelegationDepth(Math.max(depth, 1))
        .principal(Principal.human(Scenario.PRINCIPAL, Scenario.scopes(Scenario.entitlements())))
        .principal(Principal.human(FILLER_PRINCIPAL, List.of(Scope.all("**", "**"))));
    Scenario.tools().forEach(b::tool);
    Policy base = Scenario.policy();
    for (Rule r : base.rules()) {
      b.rule(r);
    }
    for (int k = 0; k < depth; k++) {
      b.agent(Agent.of(SUBJECT_PREFIX + k, "team-a", "chain link " + k, "production"));
    }
    for (int k = 0; k < fillerAgents; k++) {
      b.agent(Agent.of("filler-" + k, "team-b", "background load", "production"));
    }
    return b.build();
  }

  /** Returns a decision point with the chain issued; call {@link #fill} for the filler grants. */
  public static ScalingWorld create(int grants, int depth, boolean cached) {
    if (depth < 1 || grants < depth) {
      throw new IllegalArgumentException("need 1 <= depth <= grants, got depth " + depth + ", grants " + grants);
    }
    Remit.Builder rb = Remit.builder().policy(policy(depth, fillerAgents(grants, depth))).clock(Scenario.clock());
    if (!cached) {
      rb.withoutDecisionCache();
    }
    Remit remit = rb.build();
    Scenario.GrantSpec work = Scenario.grants().stream().filter(g -> g.id().equals("g-sub-work")).findFirst()
        .orElseThrow();
    for (int k = 0; k < depth; k++) {
      Grant.Builder g = Grant.builder("chain-grant-" + k).holder(SUBJECT_PREFIX + k).expiresAt(Scenario.EXPIRES)
          .constraint("args.limit <= 100");
      if (k == 0) {
        g.principal(Scenario.PRINCIPAL);
      } else {
        g.parent("chain-grant-" + (k - 1));
      }
      Scenario.scopes(work.entries()).forEach(g::scope);
      if (k == 0) {
        remit.issue(g.build());
      } else {
        remit.delegate(SUBJECT_PREFIX + (k - 1), g.build()); // the holder of the parent delegates
      }
    }
    return new ScalingWorld(remit, depth, grants);
  }

  /** Issues the filler grants, so that the decision point holds {@link #grants} in all. */
  public ScalingWorld fill() {
    int filler = grants - depth;
    for (int k = 0; k < filler; k++) {
      remit.issue(fillerGrant(k));
    }
    return this;
  }

  /** Returns filler grant number {@code k}: held by {@code filler-(k / 10)}. */
  public static Grant fillerGrant(int k) {
    String tool = Scenario.WORK[k % Scenario.WORK.length][0];
    String op = Scenario.WORK[k % Scenario.WORK.length][1];
    return Grant.builder("f-" + k).principal(FILLER_PRINCIPAL).holder("filler-" + (k / GRANTS_PER_FILLER))
        .allow(tool, List.of(op), tool + "/area" + (k % 4) + "/*").constraint("args.limit <= 50")
        .expiresAt(Scenario.EXPIRES).build();
  }

  /** Returns {@code n} distinct requests the chain's last agent is allowed to make. */
  public Request[] requests(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Request> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String[] w = Scenario.WORK[rnd.nextInt(Scenario.WORK.length)];
      String op = w[1 + rnd.nextInt(w.length - 1)];
      Request.Builder b = Request.of(subject, w[0], op).resource(w[0] + "/area" + rnd.nextInt(2) + "/item-" + i)
          .arg("limit", (long) 1 + rnd.nextInt(100));
      if (op.equals("send")) {
        b.arg("external", false);
      }
      if (op.equals("export")) {
        b.arg("include_pii", false);
      }
      out.add(b.build());
    }
    return out.toArray(new Request[0]);
  }
}
