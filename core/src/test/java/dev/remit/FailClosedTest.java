package dev.remit;

import static dev.remit.Fixtures.ALL_OPS;
import static dev.remit.Fixtures.base;
import static dev.remit.Fixtures.call;
import static dev.remit.Fixtures.clock;
import static dev.remit.Fixtures.remit;
import static dev.remit.Fixtures.rootGrant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Malformed requests and evaluation errors are DENY decisions, never exceptions. */
class FailClosedTest {
  private Remit remit;

  /** Returns a map whose every lookup throws, as a broken host-supplied argument might. */
  static Map<String, Object> throwingMap() {
    return new AbstractMap<>() {
      @Override
      public Object get(Object key) {
        throw new IllegalStateException("lazy argument failed to load");
      }

      @Override
      public Set<Entry<String, Object>> entrySet() {
        throw new IllegalStateException("lazy argument failed to load");
      }
    };
  }

  @BeforeEach
  void setUp() {
    remit = remit(base().build(), clock());
    Fixtures.issue(remit, rootGrant("g", "worker").allow("payments", ALL_OPS, "acct/**")
        .constraint("args.meta.kind == invoice"));
  }

  private static void assertDenied(Decision d, ReasonCode code, String messagePart) {
    assertThat(d.outcome()).as(d.explain()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).as(d.explain()).containsExactly(code);
    assertThat(d.reasons().get(0).message()).contains(messagePart);
  }

  @Test
  void aNullRequestIsMalformed() {
    Decision d = remit.authorize(null);
    assertDenied(d, ReasonCode.MALFORMED_REQUEST, "request is null");
    assertThat(d.subject()).isNull();
    assertThat(d.agent()).isNull();
  }

  @Test
  void eachMissingPartIsNamed() {
    assertDenied(remit.authorize(Request.of(null, "payments", "read").resource("acct/1").build()),
        ReasonCode.MALFORMED_REQUEST, "request has no subject");
    assertDenied(remit.authorize(Request.of("worker", null, "read").resource("acct/1").build()),
        ReasonCode.MALFORMED_REQUEST, "request has no tool");
    assertDenied(remit.authorize(Request.of("worker", "payments", null).resource("acct/1").build()),
        ReasonCode.MALFORMED_REQUEST, "request has no operation");
    assertDenied(remit.authorize(Request.of("worker", "payments", "read").build()),
        ReasonCode.MALFORMED_REQUEST, "request has no resource");
  }

  @Test
  void aTaskThatIsNotAStringIsMalformed() {
    assertDenied(remit.authorize(call("worker", "payments", "read", "acct/1").context("task", 42).build()),
        ReasonCode.MALFORMED_REQUEST, "context.task must be a task id string");
    assertDenied(remit.authorize(call("worker", "payments", "read", "acct/1")
        .context("task", List.of("t1")).build()), ReasonCode.MALFORMED_REQUEST, "context.task");
    assertDenied(remit.authorize(call("worker", "payments", "read", "acct/1").task("bad task").build()),
        ReasonCode.MALFORMED_REQUEST, "context.task");
  }

  @Test
  void anApprovalThatIsNotAStringIsMalformed() {
    assertDenied(remit.authorize(call("worker", "payments", "read", "acct/1").context("approval", 7).build()),
        ReasonCode.MALFORMED_REQUEST, "context.approval must be an approval id string");
  }

  @Test
  void nullMapsInARequestAreTreatedAsEmpty() {
    Request r = new Request("worker", "payments", "read", "acct/1", null, null, null, null);
    Decision d = remit.authorize(r);
    // the grant's constraint needs args.meta.kind, which an empty args map lacks
    assertDenied(d, ReasonCode.MISSING_ATTRIBUTE, "'args.meta.kind'");
  }

  @Test
  void anArgumentWhoseLookupThrowsFailsClosedWithEvaluationError() {
    Request r = call("worker", "payments", "transfer", "acct/1").arg("meta", throwingMap()).build();
    Decision[] d = new Decision[1];
    assertThatCode(() -> d[0] = remit.authorize(r)).doesNotThrowAnyException();
    assertDenied(d[0], ReasonCode.EVALUATION_ERROR, "evaluation failed: IllegalStateException: args.meta could not be "
        + "read when the request was built: IllegalStateException: lazy argument failed to load");
    assertThat(d[0].subject()).isEqualTo("worker");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aNestedArgumentIsReadOnceWhenTheRequestIsBuiltSoLaterChangesCannotReachTheDecision() {
    Map<String, Object> meta = new HashMap<>(Map.of("kind", "invoice"));
    Request r = call("worker", "payments", "transfer", "acct/1").arg("meta", meta).build();
    meta.put("kind", "refund"); // the host changes its own map after building the request
    assertThat(remit.authorize(r).allowed()).isTrue();
    assertThat(r.args().get("meta")).isEqualTo(Map.of("kind", "invoice"));
    assertThatThrownBy(() -> ((Map<String, Object>) r.args().get("meta")).put("kind", "refund"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aNestedMapThatAnswersDifferentlyEachTimeIsReadOnce() {
    int[] reads = new int[1];
    Map<String, Object> shifty = new AbstractMap<>() {
      @Override
      public Set<Entry<String, Object>> entrySet() {
        reads[0]++;
        return Set.of(Map.entry("kind", reads[0] == 1 ? "invoice" : "refund"));
      }
    };
    Request r = call("worker", "payments", "transfer", "acct/1").arg("meta", shifty).build();
    assertThat(remit.authorize(r).allowed()).isTrue();
    assertThat(remit.authorize(r).allowed()).as("the same request decides the same").isTrue();
    assertThat(reads[0]).isEqualTo(1);
  }

  @Test
  void aCyclicOrVeryDeepArgumentIsCutAtTheDepthLimitAndFailsClosedWhereItIsRead() {
    Map<String, Object> cyclic = new HashMap<>();
    cyclic.put("kind", "invoice");
    cyclic.put("self", cyclic);
    Request r = call("worker", "payments", "transfer", "acct/1").arg("meta", cyclic).build();
    assertThat(remit.authorize(r).allowed()).as("args.meta.kind is shallow and readable").isTrue();
    Fixtures.issue(remit, rootGrant("deep", "worker").allow("payments", ALL_OPS, "deep/**")
        .constraint("args.meta.self.self.self.self.self.self.self.self.self.self.self.self.self.self.self.self"
            + ".self.self.self.self.self.self.self.self.self.self.self.self.self.self.self.self.kind == invoice"));
    Decision d = remit.authorize(call("worker", "payments", "transfer", "deep/1").arg("meta", cyclic).build());
    assertDenied(d, ReasonCode.EVALUATION_ERROR, "nested deeper than 32 levels");
  }

  @Test
  void anArgumentThatThrowsACheckedExceptionStillFailsClosed() {
    Map<String, Object> sneaky = new HashMap<>() {
      @Override
      public Set<Entry<String, Object>> entrySet() {
        throw FailClosedTest.<RuntimeException>sneaky(new java.io.IOException("disk gone"));
      }
    };
    Request r = call("worker", "payments", "transfer", "acct/1").arg("meta", sneaky).build();
    Decision[] d = new Decision[1];
    assertThatCode(() -> d[0] = remit.authorize(r)).doesNotThrowAnyException();
    assertDenied(d[0], ReasonCode.EVALUATION_ERROR, "IOException: disk gone");
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }

  @Test
  void enforceThrowsForADenyAndCarriesTheDecision() {
    Request r = call("worker", "payments", "transfer", "acct/1").build();
    NotAuthorizedException e = org.junit.jupiter.api.Assertions.assertThrows(NotAuthorizedException.class,
        () -> remit.enforce(r));
    assertThat(e).isNotInstanceOf(ApprovalRequiredException.class);
    assertThat(e.decision().codes()).containsExactly(ReasonCode.MISSING_ATTRIBUTE);
    assertThat(e.decision().explain()).startsWith("DENY\n  MISSING_ATTRIBUTE: grant 'g' requires args.meta.kind == invoice");
    assertThat(e.getMessage()).as("the exception's own text is the agent's: no grant, attribute or limit in it")
        .isEqualTo("DENY [MISSING_ATTRIBUTE]: the call lacks information the policy needs to decide");
  }

  @Test
  void defaultIsDenyForAnAgentWithNoGrants() {
    Decision d = remit.authorize(call("helper", "payments", "read", "acct/1").build());
    assertDenied(d, ReasonCode.NO_MATCHING_GRANT,
        "no grant held by 'helper' covers payments.read on 'acct/1' (outside its remit)");
    assertThat(d.grant()).isNull();
    assertThat(d.chain()).isNull();
  }
}
