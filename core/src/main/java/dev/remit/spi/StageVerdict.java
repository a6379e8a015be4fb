package dev.remit.spi;

import dev.remit.internal.Text;
import dev.remit.Obligation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link DecisionStage}'s answer: no objection, deny, or require a human approval by a role;
 * each may carry reasons (an operator text and an agent-facing text) and, for no objection or an
 * approval, custom obligations. Immutable; the {@code with…} methods return copies.
 *
 * <pre>{@code
 * return StageVerdict.deny("amount 12000 above the Rego limit 10000", "the amount is above what the policy allows");
 * return StageVerdict.requireApproval("cfo", "transfers to new payees need the CFO", "this transfer needs an approval");
 * return StageVerdict.allow().withObligation(new Obligation.Custom("log-to-siem", Map.of("level", "high")));
 * }</pre>
 *
 * <p>Texts longer than {@value #MAX_TEXT} characters are cut. Remit prefixes each operator text with
 * the stage's name; the agent text is passed to the agent as given, so it must reveal no
 * identities, inventories or limits (leave it null to use Remit's standard text for the code).
 */
public final class StageVerdict {
  /** Longest reason text kept; longer texts are cut with an ellipsis. */
  public static final int MAX_TEXT = 1000;
  /** Most reasons and most obligations a verdict may carry. */
  public static final int MAX_ITEMS = 16;

  /** What the verdict says. */
  public enum Kind {
    /** No objection: the call stays allowed (subject to the require-approval rules and budgets). */
    ALLOW,
    /** The call is denied. */
    DENY,
    /** The call needs a human approval by {@link #approverRole()}. */
    REQUIRE_APPROVAL
  }

  /**
   * One reason a stage gives.
   *
   * @param message the operator text
   * @param agentMessage the agent-facing text, or null for Remit's standard text
   */
  public record Note(String message, String agentMessage) {
    public Note {
      message = cut(Objects.requireNonNull(message, "message"));
      agentMessage = agentMessage == null ? null : cut(agentMessage);
    }
  }

  private static final StageVerdict ALLOW = new StageVerdict(Kind.ALLOW, null, List.of(), List.of());

  private final Kind kind;
  private final String approverRole;
  private final List<Note> notes;
  private final List<Obligation.Custom> obligations;

  private StageVerdict(Kind kind, String approverRole, List<Note> notes, List<Obligation.Custom> obligations) {
    this.kind = kind;
    this.approverRole = approverRole;
    this.notes = List.copyOf(notes);
    this.obligations = List.copyOf(obligations);
    if (this.notes.size() > MAX_ITEMS || this.obligations.size() > MAX_ITEMS) {
      throw new IllegalArgumentException("a stage verdict carries at most " + MAX_ITEMS
          + " reasons and " + MAX_ITEMS + " obligations");
    }
  }

  /** Returns "no objection". */
  public static StageVerdict allow() {
    return ALLOW;
  }

  /** Returns a denial with one reason. */
  public static StageVerdict deny(String message, String agentMessage) {
    return new StageVerdict(Kind.DENY, null, List.of(new Note(message, agentMessage)), List.of());
  }

  /**
   * Returns a demand for a human approval by {@code approverRole} (an approver role of the policy's
   * principals), with one reason.
   */
  public static StageVerdict requireApproval(String approverRole, String message, String agentMessage) {
    Text.requireId(approverRole, "approver role");
    return new StageVerdict(Kind.REQUIRE_APPROVAL, approverRole, List.of(new Note(message, agentMessage)), List.of());
  }

  /** Returns a copy with one more reason. */
  public StageVerdict withReason(String message, String agentMessage) {
    List<Note> n = new ArrayList<>(notes);
    n.add(new Note(message, agentMessage));
    return new StageVerdict(kind, approverRole, n, obligations);
  }

  /** Returns a copy with one more obligation for the host (not for a denial, which the host does not run). */
  public StageVerdict withObligation(Obligation.Custom obligation) {
    Objects.requireNonNull(obligation, "obligation");
    if (kind == Kind.DENY) {
      throw new IllegalStateException("a denial carries no obligations");
    }
    List<Obligation.Custom> o = new ArrayList<>(obligations);
    o.add(obligation);
    return new StageVerdict(kind, approverRole, notes, o);
  }

  public Kind kind() {
    return kind;
  }

  /** Returns the role an approver needs, for {@link Kind#REQUIRE_APPROVAL}; else null. */
  public String approverRole() {
    return approverRole;
  }

  public List<Note> notes() {
    return notes;
  }

  public List<Obligation.Custom> obligations() {
    return obligations;
  }

  private static String cut(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
  }

  @Override
  public String toString() {
    return kind + (approverRole == null ? "" : "(" + approverRole + ")") + notes;
  }
}
