package dev.remit;

import java.util.List;
import java.util.Objects;

/**
 * The resolved chain of authority behind a decision: the original principal, then each hop from
 * the root grant down to the grant held by the acting identity.
 *
 * @param principal id of the original principal
 * @param hops hops from the root grant (first) to the acting identity's grant (last)
 */
public record DelegationChain(String principal, List<Hop> hops) {

  /**
   * One link: the grant and who holds it.
   *
   * @param grant grant id
   * @param holder agent or component holding the grant
   * @param issuedBy principal (root) or agent (sub-grant) that issued it
   * @param task task id or null
   */
  public record Hop(String grant, String holder, String issuedBy, String task) {
    public Hop {
      Objects.requireNonNull(grant, "grant");
      Objects.requireNonNull(holder, "holder");
      Objects.requireNonNull(issuedBy, "issuedBy");
    }
  }

  public DelegationChain {
    Objects.requireNonNull(principal, "principal");
    hops = List.copyOf(hops);
  }

  /** Returns the number of grants in the chain. */
  public int depth() {
    return hops.size();
  }
}
