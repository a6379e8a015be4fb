package dev.remit;

import dev.remit.internal.Frozen;
import dev.remit.internal.audit.Digests;
import dev.remit.spi.ApprovalAnswer;
import dev.remit.spi.ApprovalHandler;
import dev.remit.spi.ApprovalQuestion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The enforcement point around a tool call: authorize, ask a human when the call needs an
 * approval (with an {@link ApprovalHandler}), obtain the credentials the grant declares, run the
 * tool only on ALLOW, throw on DENY and REQUIRE_APPROVAL, and report the outcome linked to the
 * decision. Works over any {@link Authorizer}.
 *
 * <pre>{@code
 * Guard guard = Guard.of(remit);
 * Invoice inv = guard.call(request, ex -> billing.refund(ex.args()));          // one line
 * guard.call(request, frameworkArgs, ex -> tool.invoke(ex.args()));             // check what runs
 * guard.intercept(invocation);                                                   // interceptor shape
 * Guard.builder(remit).approvals(handler, Duration.ofMinutes(5)).build();        // ask a human
 * }</pre>
 *
 * <p><b>Security guarantees.</b> The tool receives a deep, immutable copy of the arguments; its
 * digest is compared with the digest of the authorized arguments before the tool runs, so what
 * runs is what was authorized (no time-of-check/time-of-use gap). A mismatch is blocked with
 * {@link ArgumentMismatchException}, recorded, and its call budget released. Credentials reach the
 * tool through {@link Execution#credentials()}, never through the arguments; a call whose
 * credential cannot be minted does not run. An approval handler's answer is turned into an
 * approval by the authorizer, which checks the approver; the call is then decided again. Exceptions
 * carry agent-facing texts only.
 *
 * <p>Thread-safe; share one instance.
 */
public final class Guard {
  /** What a failed call does to the call budget its decision charged. */
  public enum BudgetPolicy {
    /** A failed call still counts against max-calls (the default: it may have had effects). */
    KEEP_CHARGE,
    /** A call whose tool threw releases the budget its decision charged. */
    REFUND_FAILED_CALLS
  }

  /**
   * A tool call to guard.
   *
   * @param <T> the tool's result type
   */
  @FunctionalInterface
  public interface ToolCall<T> {
    /** Runs the tool with {@code execution.args()}. */
    T call(Execution execution) throws Exception;
  }

  /**
   * A framework's pending tool invocation, for {@link #intercept}.
   *
   * @param <T> the tool's result type
   */
  public interface Invocation<T> {
    /** Returns the request to authorize. */
    Request request();

    /** Returns the arguments the framework is about to execute. */
    Map<String, Object> arguments();

    /** Runs the tool with {@code execution.args()} (the checked, immutable copy). */
    T proceed(Execution execution) throws Exception;
  }

  /** One authorized execution: the arguments to run with, the credentials, and what the tool reports. */
  public static final class Execution {
    private final Decision decision;
    private final Map<String, Object> args;
    private final List<Credential> minted;
    private final Map<String, Object> changes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> credentials = Collections.synchronizedList(new ArrayList<>());

    Execution(Decision decision, Map<String, Object> args, List<Credential> minted) {
      this.decision = decision;
      this.args = args;
      this.minted = minted;
      for (Credential c : minted) {
        credentials.add(c.id());
      }
    }

    /** Returns the ALLOW decision for this call. */
    public Decision decision() {
      return decision;
    }

    /** Returns the arguments to run with: deep, immutable, identical to the authorized ones. */
    public Map<String, Object> args() {
      return args;
    }

    /** Returns the credentials minted for this call (empty when its grant declares none). */
    public List<Credential> credentials() {
      return minted;
    }

    /** Reports something the tool changed (e.g. {@code "rows_updated", 3}); recorded in the outcome. */
    public Execution changed(String what, Object detail) {
      changes.put(Objects.requireNonNull(what, "what"), detail);
      return this;
    }

    /** Reports the id of a credential issued for this call by the tool itself (never the secret). */
    public Execution credentialIssued(String credentialId) {
      credentials.add(Objects.requireNonNull(credentialId, "credentialId"));
      return this;
    }
  }

  private final Authorizer authorizer;
  private final BudgetPolicy budget;
  private final ApprovalHandler approvals;
  private final Duration approvalTimeout;

  private Guard(Authorizer authorizer, BudgetPolicy budget, ApprovalHandler approvals, Duration approvalTimeout) {
    this.authorizer = authorizer;
    this.budget = budget;
    this.approvals = approvals;
    this.approvalTimeout = approvalTimeout;
  }

  /** Returns a guard over {@code authorizer} that keeps the charge of failed calls. */
  public static Guard of(Authorizer authorizer) {
    return of(authorizer, BudgetPolicy.KEEP_CHARGE);
  }

  /** Returns a guard over {@code authorizer} with the given budget policy for failed calls. */
  public static Guard of(Authorizer authorizer, BudgetPolicy budget) {
    return builder(authorizer).budget(budget).build();
  }

  /** Returns a builder of a guard over {@code authorizer}. */
  public static Builder builder(Authorizer authorizer) {
    return new Builder(Objects.requireNonNull(authorizer, "authorizer"));
  }

  /** Builder for {@link Guard}. */
  public static final class Builder {
    private final Authorizer authorizer;
    private BudgetPolicy budget = BudgetPolicy.KEEP_CHARGE;
    private ApprovalHandler approvals;
    private Duration approvalTimeout = Duration.ofMinutes(5);

    private Builder(Authorizer authorizer) {
      this.authorizer = authorizer;
    }

    /** Sets what a failed call does to its budget (default {@link BudgetPolicy#KEEP_CHARGE}). */
    public Builder budget(BudgetPolicy policy) {
      this.budget = Objects.requireNonNull(policy, "budget");
      return this;
    }

    /**
     * Asks {@code handler} when a call needs an approval, waiting at most {@code timeout} for the
     * human; without a handler such a call throws {@link ApprovalRequiredException}.
     */
    public Builder approvals(ApprovalHandler handler, Duration timeout) {
      this.approvals = Objects.requireNonNull(handler, "handler");
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("approval timeout must be positive, was " + timeout);
      }
      this.approvalTimeout = timeout;
      return this;
    }

    public Guard build() {
      return new Guard(authorizer, budget, approvals, approvalTimeout);
    }
  }

  /**
   * Authorizes {@code request}, runs {@code tool} with the request's arguments on ALLOW, records the
   * outcome and returns the tool's result.
   *
   * @throws ApprovalRequiredException on REQUIRE_APPROVAL not approved (the tool did not run)
   * @throws NotAuthorizedException on DENY (the tool did not run)
   * @throws CredentialUnavailableException if the call needs a credential none could be minted for
   * @throws ToolFailedException if the tool threw a checked exception
   */
  public <T> T call(Request request, ToolCall<T> tool) {
    Objects.requireNonNull(request, "request");
    return run(request, null, tool);
  }

  /**
   * Like {@link #call(Request, ToolCall)}, but the tool runs with {@code executedArgs}, which must
   * equal the request's arguments (canonically); otherwise the call is blocked and recorded.
   *
   * @throws ArgumentMismatchException if the arguments differ from the authorized ones
   */
  public <T> T call(Request request, Map<String, Object> executedArgs, ToolCall<T> tool) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(executedArgs, "executedArgs");
    return run(request, executedArgs, tool);
  }

  /** Guards a framework's invocation: the interceptor shape of {@link #call(Request, Map, ToolCall)}. */
  public <T> T intercept(Invocation<T> invocation) {
    Objects.requireNonNull(invocation, "invocation");
    return run(invocation.request(), invocation.arguments(), invocation::proceed);
  }

  private <T> T run(Request request, Map<String, Object> executedArgs, ToolCall<T> tool) {
    Objects.requireNonNull(tool, "tool");
    // a Request is a deep read-only copy already: nothing the caller still holds can change what is
    // authorized; the executed arguments are copied below, before they are compared
    Map<String, Object> authorizedArgs = request.args();
    Decision d = authorizer.authorize(request);
    if (d.outcome() == Outcome.REQUIRE_APPROVAL && approvals != null) {
      Request approved = askApprover(request, d);
      request = approved;
      d = authorizer.authorize(approved);
    }
    switch (d.outcome()) {
      case ALLOW:
        break;
      case REQUIRE_APPROVAL:
        throw new ApprovalRequiredException(d);
      default:
        throw new NotAuthorizedException(d);
    }
    Map<String, Object> runArgs = authorizedArgs;
    if (executedArgs != null && executedArgs != authorizedArgs) {
      runArgs = Frozen.map(executedArgs, "args");
      String authorizedDigest = Digests.args(authorizedArgs);
      String executedDigest = Digests.args(runArgs);
      // an argument that could not be read when copied is not known to be the one authorized, even
      // if its text is: such a pair never counts as the same
      if (!authorizedDigest.equals(executedDigest) || !Frozen.readable(authorizedArgs) || !Frozen.readable(runArgs)) {
        authorizer.report(request, d, new CallReport(AuditRecord.Status.BLOCKED_ARGUMENT_MISMATCH, runArgs,
            Duration.ZERO, Map.of(), List.of(), null, true));
        throw new ArgumentMismatchException(d, authorizedDigest, executedDigest);
      }
    }
    List<Credential> creds;
    try {
      creds = authorizer.credentials(request, d);
    } catch (CredentialUnavailableException e) {
      authorizer.report(request, d, new CallReport(AuditRecord.Status.BLOCKED_NO_CREDENTIAL,
          executedArgs == null ? null : runArgs, Duration.ZERO, Map.of(), List.of(), e.operatorMessage(), true));
      throw e;
    }
    Execution ex = new Execution(d, runArgs, List.copyOf(creds));
    Map<String, Object> reportedArgs = executedArgs == null ? null : runArgs;
    long start = System.nanoTime();
    T result;
    try {
      result = tool.call(ex);
    } catch (Exception | Error e) {
      long took = System.nanoTime() - start;
      boolean refund = budget == BudgetPolicy.REFUND_FAILED_CALLS && !(e instanceof Error);
      authorizer.report(request, d, new CallReport(AuditRecord.Status.FAILED, reportedArgs, Duration.ofNanos(took),
          copy(ex.changes), List.copyOf(ex.credentials),
          e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), refund));
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      if (e instanceof Error) {
        throw (Error) e;
      }
      throw new ToolFailedException(d, (Exception) e);
    }
    authorizer.report(request, d, new CallReport(AuditRecord.Status.SUCCEEDED, reportedArgs,
        Duration.ofNanos(System.nanoTime() - start), copy(ex.changes), List.copyOf(ex.credentials), null, false));
    return result;
  }

  /**
   * Asks the approval handler about a call that needs approval; returns the request presenting
   * the approvals the authorizer issued for the answer, or throws if there is none.
   */
  private Request askApprover(Request request, Decision d) {
    ApprovalAnswer answer;
    try {
      answer = approvals.ask(new ApprovalQuestion(request, d, d.obligations(Obligation.ApprovalNeeded.class),
          approvalTimeout));
    } catch (Exception e) {
      throw new ApprovalRequiredException(d, e);
    }
    if (answer == null || answer.kind() != ApprovalAnswer.Kind.APPROVED) {
      throw new ApprovalRequiredException(d);
    }
    List<String> ids = new ArrayList<>(answer.approvals().size());
    try {
      for (ApprovalAnswer.By by : answer.approvals()) {
        ids.add(authorizer.approve(request, by.approver(), by.role(), by.ttl()).id());
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      // the answer names someone who may not approve this call: as if nobody had
      throw new ApprovalRequiredException(d, e);
    }
    return request.withContext("approval", ids.size() == 1 ? ids.get(0) : List.copyOf(ids));
  }

  private static Map<String, Object> copy(Map<String, Object> m) {
    synchronized (m) {
      return new LinkedHashMap<>(m);
    }
  }
}
