package dev.remit.bench;

import com.cedarpolicy.model.AuthorizationRequest;
import java.util.concurrent.TimeUnit;
import org.casbin.jcasbin.main.Enforcer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same authorization question as {@link DecisionBenchmarks#uncachedNative} asked of the peer
 * engines, on the policies in {@code src/main/resources/peers/} ({@code PeerEquivalenceTest} checks
 * they decide as Remit does), rotating through the same {@value DecisionBenchmarks#N} requests.
 *
 * <p>{@link #opaWasm} is NOT the scenario: it is opa-java-wasm evaluating the one-lookup
 * {@code demo-policy.wasm} bundled in its jar (Remit's OPA adapter does not exist yet); it gives the
 * cost of a wasm round trip, a lower bound for any OPA policy run this way.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'PeerBenchmarks' -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PeerBenchmarks {
  static final int N = DecisionBenchmarks.N;
  static final int MASK = N - 1;

  Peers.Cedar cedarCached;
  Peers.Cedar cedarParsedOnly;
  AuthorizationRequest[] cedarRequests;
  Enforcer casbin;
  Enforcer casbinCached;
  Object[][] casbinRequests;
  Peers.OpaDemo opa;
  String[] opaInputs;
  int i;

  @Setup
  public void setUp() {
    Scenario.Call[] calls = Scenario.allowedCalls(N, 42);
    cedarCached = new Peers.Cedar(true);
    if (!cedarCached.cached) {
      throw new IllegalStateException("PolicySet.cache() failed");
    }
    cedarParsedOnly = new Peers.Cedar(false);
    casbin = Peers.casbin(false);
    casbinCached = Peers.casbin(true);
    cedarRequests = new AuthorizationRequest[N];
    casbinRequests = new Object[N][];
    for (int k = 0; k < N; k++) {
      cedarRequests[k] = Peers.Cedar.request(calls[k]);
      casbinRequests[k] = Peers.casbinRequest(calls[k]);
      if (!cedarCached.isAllowed(cedarRequests[k]) || !casbin.enforce(casbinRequests[k])
          || !casbinCached.enforce(casbinRequests[k])) {
        throw new IllegalStateException("a peer denies scenario request " + calls[k]);
      }
    }
    opa = new Peers.OpaDemo();
    opaInputs = new String[N];
    for (int k = 0; k < N; k++) {
      opaInputs[k] = "{\"user\":\"" + (k % 2 == 0 ? "alice" : "user-" + k) + "\"}";
    }
  }

  /** opa-java-wasm 1.0.4 does not reset its guest heap per evaluation; data() does. */
  @Setup(Level.Iteration)
  public void resetOpaHeap() {
    opa.reset();
  }

  /** cedar-java 4.10, policy set parsed once and pre-parsed on the Rust side (PolicySet.cache()). */
  @Benchmark
  public boolean cedar() {
    return cedarCached.isAllowed(cedarRequests[i++ & MASK]);
  }

  /** cedar-java without PolicySet.cache(): the policy set travels as JSON on every call. */
  @Benchmark
  public boolean cedarWithoutCache() {
    return cedarParsedOnly.isAllowed(cedarRequests[i++ & MASK]);
  }

  /** jCasbin Enforcer.enforce on the equivalent model (flattened grants, deny-override rules). */
  @Benchmark
  public boolean casbin() {
    return casbin.enforce(casbinRequests[i++ & MASK]);
  }

  /** jCasbin CachedEnforcer on a warm memo (every request was enforced once in setup). */
  @Benchmark
  public boolean casbinCached() {
    return casbinCached.enforce(casbinRequests[i++ & MASK]);
  }

  /** opa-java-wasm on the bundled ONE-LOOKUP demo policy (not the scenario); JSON in, JSON out. */
  @Benchmark
  public String opaWasm() {
    return opa.evaluate(opaInputs[i++ & MASK]);
  }
}
