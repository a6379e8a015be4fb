package dev.remit;

import dev.remit.internal.Frozen;
import dev.remit.internal.audit.Digests;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The enforcement point around a tool call: authorize, run the tool only on ALLOW, throw on DENY
 * and REQUIRE_APPROVAL, and record the outcome linked to the decision.
 *
 * <pre>{@code
 * Guard guard = Guard.of(remit);
 * Invoice inv = guard.call(request, ex -> billing.refund(ex.args()));          // one line
 * guard.call(request, frameworkArgs, ex -> tool.invoke(ex.args()));             // check what runs
 * guard.intercept(invocation);                                                   // interceptor shape
 * }</pre>
 *
 * <p><b>Security guarantees.</b> The tool receives a deep, immutable copy of the arguments; its
 * digest is compared with the digest of the authorized arguments before the tool runs, so what
 * runs is what was authorized (no time-of-check/time-of-use gap). A mismatch is blocked with
 * {@link ArgumentMismatchException} and recorded. Outcomes are recorded only when the
 * {@link Remit} has an {@link AuditTrail}; enforcement works without one.
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

  /** One authorized execution: the arguments to run with, and what the tool reports. */
  public static final class Execution {
    private final Decision decision;
    private final Map<String, Object> args;
    private final Map<String, Object> changes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> credentials = Collections.synchronizedList(new ArrayList<>());

    Execution(Decision decision, Map<String, Object> args) {
      this.decision = decision;
      this.args = args;
    }

    /** Returns the ALLOW decision for this call. */
    public Decision decision() {
      return decision;
    }

    /** Returns the arguments to run with: deep, immutable, identical to the authorized ones. */
    public Map<String, Object> args() {
      return args;
    }

    /** Reports something the tool changed (e.g. {@code "rows_updated", 3}); recorded in the outcome. */
    public Execution changed(String what, Object detail) {
      changes.put(Objects.requireNonNull(what, "what"), detail);
      return this;
    }

    /** Reports the id of a credential issued for this call (never the secret). */
    public Execution credentialIssued(String credentialId) {
      credentials.add(Objects.requireNonNull(credentialId, "credentialId"));
      return this;
    }
  }

  private final Remit remit;
  private final BudgetPolicy budget;

  private Guard(Remit remit, BudgetPolicy budget) {
    this.remit = remit;
    this.budget = budget;
  }

  /** Returns a guard over {@code remit} that keeps the charge of failed calls. */
  public static Guard of(Remit remit) {
    return of(remit, BudgetPolicy.KEEP_CHARGE);
  }

  /** Returns a guard over {@code remit} with the given budget policy for failed calls. */
  public static Guard of(Remit remit, BudgetPolicy budget) {
    return new Guard(Objects.requireNonNull(remit, "remit"), Objects.requireNonNull(budget, "budget"));
  }

  /**
   * Authorizes {@code request}, runs {@code tool} with the request's arguments on ALLOW, records the
   * outcome and returns the tool's result.
   *
   * @throws ApprovalRequiredException on REQUIRE_APPROVAL (the tool did not run)
   * @throws NotAuthorizedException on DENY (the tool did not run)
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
    Decision d = remit.authorize(request);
    switch (d.outcome()) {
      case ALLOW:
        break;
      case REQUIRE_APPROVAL:
        throw new ApprovalRequiredException(d);
      default:
        throw new NotAuthorizedException(d);
    }
    AuditTrail audit = remit.auditTrail();
    Map<String, Object> runArgs = authorizedArgs;
    String executedDigest = null;
    if (executedArgs != null && executedArgs != request.args()) {
      runArgs = Frozen.map(executedArgs, "args");
      String authorizedDigest = Digests.args(authorizedArgs);
      executedDigest = Digests.args(runArgs);
      // an argument that could not be read when copied is not known to be the one authorized, even
      // if its text is: such a pair never counts as the same
      if (!authorizedDigest.equals(executedDigest) || !Frozen.readable(authorizedArgs) || !Frozen.readable(runArgs)) {
        if (audit != null) {
          audit.executed(request, d, AuditRecord.Status.BLOCKED_ARGUMENT_MISMATCH, executedDigest, 0,
              Map.of(), List.of(), null, false, remit.clock().instant());
        }
        throw new ArgumentMismatchException(d, authorizedDigest, executedDigest);
      }
    }
    Execution ex = new Execution(d, runArgs);
    long start = System.nanoTime();
    T result;
    try {
      result = tool.call(ex);
    } catch (Exception | Error e) {
      long took = System.nanoTime() - start;
      boolean refund = budget == BudgetPolicy.REFUND_FAILED_CALLS && !(e instanceof Error);
      if (refund) {
        remit.refund(d);
      }
      if (audit != null) {
        audit.executed(request, d, AuditRecord.Status.FAILED, executedDigest, took, copy(ex.changes),
            List.copyOf(ex.credentials), e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
            refund, remit.clock().instant());
      }
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      if (e instanceof Error) {
        throw (Error) e;
      }
      throw new ToolFailedException(d, (Exception) e);
    }
    if (audit != null) {
      audit.executed(request, d, AuditRecord.Status.SUCCEEDED, executedDigest, System.nanoTime() - start,
          copy(ex.changes), List.copyOf(ex.credentials), null, false, remit.clock().instant());
    }
    return result;
  }

  private static Map<String, Object> copy(Map<String, Object> m) {
    synchronized (m) {
      return new LinkedHashMap<>(m);
    }
  }

}
