package dev.remit.bench;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.exception.CacheException;
import com.cedarpolicy.model.exception.InternalException;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.CedarMap;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimBool;
import com.cedarpolicy.value.PrimLong;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import com.styra.opa.wasm.OpaPolicy;
import dev.remit.bench.Scenario.Call;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.casbin.jcasbin.main.CachedEnforcer;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.casbin.jcasbin.persist.cache.CacheableParam;

/** The peer engines, set up once, with requests translated ahead of time. */
public final class Peers {
  private Peers() {}

  // ------------------------------------------------------------------ Cedar

  /** cedar-java: policy set parsed once (and pre-parsed on the Rust side with cache()), no entities. */
  public static final class Cedar {
    private static final EntityTypeName AGENT = EntityTypeName.parse("Agent").orElseThrow();
    private static final EntityTypeName ACTION = EntityTypeName.parse("Action").orElseThrow();
    private static final EntityTypeName RESOURCE = EntityTypeName.parse("Resource").orElseThrow();

    private final BasicAuthorizationEngine engine = new BasicAuthorizationEngine();
    private final PolicySet policies;
    private final Set<Entity> entities = Set.of();
    /** Whether PolicySet.cache() succeeded (the fast path of cedar-java 4.x). */
    public final boolean cached;

    public Cedar(boolean cache) {
      try {
        this.policies = PolicySet.parsePolicies(PeerPolicies.resource(PeerPolicies.CEDAR));
      } catch (InternalException e) {
        throw new IllegalStateException("Cedar rejected the policy set: " + e.getMessage(), e);
      }
      boolean ok = false;
      if (cache) {
        try {
          policies.cache();
          ok = true;
        } catch (CacheException | RuntimeException e) {
          ok = false;
        }
      }
      this.cached = ok;
    }

    public int policyCount() {
      return policies.getNumPolicies();
    }

    /** Returns the request as Cedar sees it: context carries the resource id and the arguments. */
    public static AuthorizationRequest request(Call c) {
      Map<String, Value> args = new HashMap<>();
      c.args().forEach((k, v) -> args.put(k, value(v)));
      Map<String, Value> ctx = new HashMap<>();
      ctx.put("resource", new PrimString(c.resource()));
      ctx.put("args", new CedarMap(args));
      return new AuthorizationRequest(new EntityUID(AGENT, c.subject()),
          new EntityUID(ACTION, c.tool() + "." + c.op()), new EntityUID(RESOURCE, c.resource()), ctx);
    }

    private static Value value(Object v) {
      if (v instanceof Long l) {
        return new PrimLong(l);
      }
      if (v instanceof Integer i) {
        return new PrimLong(i);
      }
      if (v instanceof Boolean b) {
        return new PrimBool(b);
      }
      return new PrimString(String.valueOf(v));
    }

    /** Returns whether Cedar allows the request; an authorization failure counts as deny. */
    public boolean isAllowed(AuthorizationRequest r) {
      try {
        AuthorizationResponse resp = engine.isAuthorized(r, policies, entities);
        return resp.type == AuthorizationResponse.SuccessOrFailure.Success && resp.success.get().isAllowed();
      } catch (AuthException e) {
        return false;
      }
    }
  }

  // ------------------------------------------------------------------ jCasbin

  /**
   * Call arguments for jCasbin: a Map (so {@code r.args.amount} resolves in Aviator) that is also a
   * {@link CacheableParam}, without which CachedEnforcer would bypass its cache.
   */
  public static final class CasbinArgs extends HashMap<String, Object> implements CacheableParam {
    private static final long serialVersionUID = 1L;
    private final String key;

    public CasbinArgs(Map<String, Object> args) {
      super(args);
      this.key = new TreeMap<>(args).toString();
    }

    @Override
    public String getCacheKey() {
      return key;
    }
  }

  /** Returns the jCasbin request values for a call: sub, tool, op, res, args. */
  public static Object[] casbinRequest(Call c) {
    return new Object[] {c.subject(), c.tool(), c.op(), c.resource(), new CasbinArgs(c.args())};
  }

  /** Returns a jCasbin enforcer (plain, or CachedEnforcer) with the scenario's model and policy. */
  public static Enforcer casbin(boolean cached) {
    Model m = Model.newModelFromString(PeerPolicies.resource(PeerPolicies.CASBIN_MODEL));
    Enforcer e = cached ? new CachedEnforcer(m) : new Enforcer(m, null, false);
    e.enableLog(false);
    List<List<String>> lines = new ArrayList<>();
    for (String line : PeerPolicies.resource(PeerPolicies.CASBIN_POLICY).split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = new ArrayList<>();
      for (String f : line.split(",")) {
        fields.add(f.trim());
      }
      if (!fields.get(0).equals("p") || fields.size() != 7) {
        throw new IllegalStateException("bad policy line: " + line);
      }
      lines.add(fields.subList(1, fields.size()));
    }
    e.addPolicies(lines);
    return e;
  }

  // ------------------------------------------------------------------ OPA (wasm)

  /**
   * opa-java-wasm on the {@code demo-policy.wasm} bundled in its jar: a ONE-LOOKUP policy
   * ({@code data.role[input.user] == "admin"}), not the scenario; Remit's OPA adapter does not exist
   * yet. It measures the floor of a wasm round trip (JSON in, JSON out), not an equivalent policy.
   */
  public static final class OpaDemo {
    public static final String DATA = "{\"role\":{\"alice\":\"admin\",\"bob\":\"user\"}}";
    private final OpaPolicy policy;

    public OpaDemo() {
      try (InputStream in = OpaPolicy.class.getResourceAsStream("/demo-policy.wasm")) {
        if (in == null) {
          throw new IllegalStateException("demo-policy.wasm is not in the opa-java-wasm jar");
        }
        this.policy = OpaPolicy.builder().withPolicy(in).build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      policy.data(DATA);
    }

    /** Resets the guest heap (opa-java-wasm 1.0.4 does not reset it per evaluation). */
    public void reset() {
      policy.data(DATA);
    }

    public Map<String, Integer> entrypoints() {
      return policy.entrypoints();
    }

    /** Returns the raw result set, e.g. {@code [{"result":true}]}. */
    public String evaluate(String inputJson) {
      return policy.evaluate(inputJson);
    }
  }
}
