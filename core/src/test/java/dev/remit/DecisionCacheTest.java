package dev.remit;

import static dev.remit.CacheFixture.T0;
import static dev.remit.CacheFixture.read;
import static dev.remit.CacheFixture.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecisionCacheTest {
  private final MutableClock clock = new MutableClock(T0);

  private Remit cached(Policy p) {
    return Remit.builder().policy(p).clock(clock).build();
  }

  private Remit uncached(Policy p) {
    return Remit.builder().policy(p).clock(clock).withoutDecisionCache().build();
  }

  /** Authorizes twice and checks the second answer came from the cache. */
  private static Decision warm(Remit remit, Request r) {
    Decision first = remit.authorize(r);
    long hits = remit.cacheStats().hits();
    Decision second = remit.authorize(r);
    assertThat(remit.cacheStats().hits()).as("second call is a hit").isEqualTo(hits + 1);
    assertThat(second.outcome()).isEqualTo(first.outcome());
    assertThat(second.reasons()).isEqualTo(first.reasons());
    return second;
  }

  // ------------------------------------------------------------ invalidation by every kind of change

  record Change(String name, Request request, Outcome before, Consumer<Remit> change, Outcome after,
      ReasonCode code) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> changes() {
    Policy forbidReads = CacheFixture.base().rule(Rule.forbid("no-reads").tool("crm").operation("read").build())
        .grant(CacheFixture.policy().grants().get(0)).build();
    List<Change> c = List.of(
        new Change("policy swap", read("orch", "crm/contacts/1"), Outcome.ALLOW,
            r -> r.swapPolicy(forbidReads), Outcome.DENY, ReasonCode.FORBIDDEN_BY_RULE),
        new Change("grant revocation", read("orch", "crm/contacts/1"), Outcome.ALLOW,
            r -> r.revokeGrant("root"), Outcome.DENY, ReasonCode.GRANT_REVOKED),
        new Change("revocation of an ancestor link", read("worker", "crm/contacts/1"), Outcome.ALLOW,
            r -> r.revokeGrant("root"), Outcome.DENY, ReasonCode.GRANT_REVOKED),
        new Change("agent suspension", read("orch", "crm/contacts/1"), Outcome.ALLOW,
            r -> r.suspendAgent("orch"), Outcome.DENY, ReasonCode.AGENT_SUSPENDED),
        new Change("agent revocation", read("worker", "crm/contacts/1"), Outcome.ALLOW,
            r -> r.revokeAgent("worker"), Outcome.DENY, ReasonCode.AGENT_REVOKED),
        new Change("suspension of a component's parent", read("planner", "crm/contacts/1"), Outcome.ALLOW,
            r -> r.suspendAgent("orch"), Outcome.DENY, ReasonCode.AGENT_SUSPENDED),
        new Change("suspension of a delegator in the chain", read("worker", "crm/contacts/1"), Outcome.ALLOW,
            r -> r.suspendAgent("orch"), Outcome.DENY, ReasonCode.DELEGATOR_INACTIVE),
        new Change("entitlement change", read("worker", "crm/contacts/1"), Outcome.ALLOW,
            r -> r.restrictEntitlements("alice", List.of(Scope.all("payments", "acct/**"))), Outcome.DENY,
            ReasonCode.PRINCIPAL_NOT_ENTITLED),
        new Change("new grant issued", Request.of("worker", "crm", "write").resource("crm/deals/9").build(),
            Outcome.DENY, r -> Fixtures.issue(r, Grant.builder("rt-write").parent("root").holder("worker")
                .allow("crm", List.of("write"), "crm/deals/*").ttl(Duration.ofHours(1))),
            Outcome.ALLOW, ReasonCode.GRANT_MATCHED),
        new Change("runtime grant revocation", Request.of("worker", "deploy", "release").resource("svc/api").build(),
            Outcome.ALLOW, r -> r.revokeGrant("rt-deploy"), Outcome.DENY, ReasonCode.GRANT_REVOKED));
    return c.stream().map(Arguments::of);
  }

  private Remit forChange() {
    Remit remit = cached(CacheFixture.policy());
    Fixtures.issue(remit, Grant.builder("rt-deploy").principal("alice").holder("worker")
        .allow("deploy", List.of("release"), "svc/*").ttl(Duration.ofHours(1)));
    return remit;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void aDecisionCachedBeforeAChangeIsNeverServedAfterIt(Change c) {
    Remit remit = forChange();
    assertThat(warm(remit, c.request()).outcome()).isEqualTo(c.before());

    c.change().accept(remit);

    Decision after = remit.authorize(c.request());
    assertThat(after.outcome()).as(after.explain()).isEqualTo(c.after());
    assertThat(after.codes()).contains(c.code());
    assertThat(remit.cacheStats().invalidated()).isEqualTo(1);
    assertThat(warm(remit, c.request()).outcome()).isEqualTo(c.after());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void noThreadIsServedTheOldDecisionOnceTheChangeHasReturned(Change c) throws Exception {
    Remit remit = forChange();
    warm(remit, c.request());
    int threads = 3;
    AtomicInteger afterChange = new AtomicInteger();
    AtomicReference<String> violation = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(threads);
    // volatile flags via atomics: set only after the change method has returned
    java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        started.countDown();
        while (!stop.get()) {
          boolean wasChanged = changed.get();
          Decision d = remit.authorize(c.request());
          if (wasChanged) {
            afterChange.incrementAndGet();
            if (d.outcome() != c.after()) {
              violation.compareAndSet(null, d.explain());
            }
          }
        }
      });
      t.start();
      ts.add(t);
    }
    started.await();
    Thread.sleep(20);
    c.change().accept(remit);
    changed.set(true);
    long until = System.nanoTime() + 30_000_000L;
    while (System.nanoTime() < until || afterChange.get() < 100) {
      Thread.sleep(5);
    }
    stop.set(true);
    for (Thread t : ts) {
      t.join();
    }
    assertThat(violation.get()).as("a decision served after the change").isNull();
    assertThat(remit.cacheStats().hits()).isPositive();
  }

  @Test
  void evaluationsInFlightDuringAChangeNeverLeaveAnEntryThatIsServedAfterIt() throws Exception {
    Remit remit = cached(CacheFixture.policy());
    Request r = read("worker", "crm/contacts/1");
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread th = new Thread(() -> {
        while (!stop.get()) {
          remit.authorize(r); // keeps evaluations in flight while the main thread changes things
        }
      });
      th.start();
      readers.add(th);
    }
    List<Scope> all = List.of(Scope.all("crm", "crm/**"), Scope.all("payments", "acct/**"), Scope.all("deploy", "svc/**"));
    List<Scope> noCrm = List.of(Scope.all("payments", "acct/**"));
    try {
      for (int i = 0; i < 400; i++) {
        remit.suspendAgent("worker");
        assertThat(remit.authorize(r).codes()).as("round " + i).containsExactly(ReasonCode.AGENT_SUSPENDED);
        assertThat(remit.authorize(r).codes()).as("round " + i).containsExactly(ReasonCode.AGENT_SUSPENDED);
        remit.resumeAgent("worker");
        assertThat(remit.authorize(r).outcome()).as("round " + i).isEqualTo(Outcome.ALLOW);
        remit.restrictEntitlements("alice", noCrm);
        assertThat(remit.authorize(r).codes()).as("round " + i).containsExactly(ReasonCode.PRINCIPAL_NOT_ENTITLED);
        remit.restrictEntitlements("alice", all);
        assertThat(remit.authorize(r).outcome()).as("round " + i).isEqualTo(Outcome.ALLOW);
        assertThat(remit.authorize(r).outcome()).as("round " + i).isEqualTo(Outcome.ALLOW);
      }
    } finally {
      stop.set(true);
      for (Thread th : readers) {
        th.join();
      }
    }
    assertThat(remit.cacheStats().hits()).isPositive();
  }

  @Test
  void aGrantIssuedAtRuntimeWithANewAttributeMakesThatAttributePartOfTheKey() {
    Remit remit = cached(CacheFixture.policy());
    Request prod = Request.of("worker", "deploy", "release").resource("svc/api").context("env", "prod").build();
    Request dev = Request.of("worker", "deploy", "release").resource("svc/api").context("env", "dev").build();
    warm(remit, prod);
    assertThat(remit.authorize(dev).outcome()).isEqualTo(Outcome.DENY);
    assertThat(remit.cacheStats().hits()).as("context.env is not read by any rule yet").isEqualTo(2);

    Fixtures.issue(remit, Grant.builder("rt-env").principal("alice").holder("worker")
        .allow("deploy", List.of("release"), "svc/*").constraint("context.env == prod").ttl(Duration.ofHours(1)));

    assertThat(remit.authorize(prod).outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(remit.authorize(dev).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
    assertThat(remit.authorize(prod).outcome()).isEqualTo(Outcome.ALLOW);
    assertThat(remit.authorize(dev).codes()).containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
  }

  // ------------------------------------------------------------ budgets

  private Policy budgeted(long rootCalls, long subCalls) {
    Grant.Builder root = Grant.builder("root").principal("alice").holder("orch")
        .allow("deploy", List.of("release"), "svc/**").expiresAt(T0.plus(Duration.ofDays(1)));
    Grant.Builder sub = Grant.builder("sub").parent("root").holder("worker")
        .allow("deploy", List.of("release"), "svc/**").expiresAt(T0.plus(Duration.ofDays(1)));
    if (rootCalls != Grant.UNLIMITED) {
      root.maxCalls(rootCalls);
    }
    if (subCalls != Grant.UNLIMITED || rootCalls != Grant.UNLIMITED) {
      sub.maxCalls(subCalls != Grant.UNLIMITED ? subCalls : rootCalls);
    }
    return CacheFixture.base().grant(root.build()).grant(sub.build()).build();
  }

  @Test
  void everyCachedAllowChargesTheBudgetAndTheCallAfterTheLastIsDenied() {
    Remit remit = cached(budgeted(5, Grant.UNLIMITED));
    Request r = Request.of("orch", "deploy", "release").resource("svc/api").build();
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      outcomes.add(remit.authorize(r).outcome());
    }
    assertThat(outcomes).containsExactly(Outcome.ALLOW, Outcome.ALLOW, Outcome.ALLOW, Outcome.ALLOW,
        Outcome.ALLOW, Outcome.DENY, Outcome.DENY, Outcome.DENY);
    assertThat(remit.authorize(r).codes()).containsExactly(ReasonCode.MAX_CALLS_EXHAUSTED);
    assertThat(remit.remainingCalls("root")).isZero();
    CacheStats stats = remit.cacheStats();
    assertThat(stats.hits()).isEqualTo(4);
    assertThat(stats.invalidated()).as("only the first call after the budget ran out found the dead entry").isEqualTo(1);
    assertThat(stats.size()).isZero();
  }

  @Test
  void aHitOnASubGrantChargesTheLimitedAncestorToo() {
    Remit remit = cached(budgeted(3, 3));
    Request worker = Request.of("worker", "deploy", "release").resource("svc/api").build();
    Request orch = Request.of("orch", "deploy", "release").resource("svc/api").build();
    assertThat(remit.authorize(worker).allowed()).isTrue();
    assertThat(remit.authorize(worker).allowed()).isTrue();
    assertThat(remit.authorize(orch).allowed()).isTrue();
    assertThat(remit.authorize(worker).codes()).containsExactly(ReasonCode.MAX_CALLS_EXHAUSTED);
    assertThat(remit.remainingCalls("root")).isZero();
    assertThat(remit.remainingCalls("sub")).isEqualTo(1);
  }

  @Test
  void concurrentCallersGetExactlyAsManyAllowsAsTheBudget() throws Exception {
    Remit remit = cached(budgeted(200, Grant.UNLIMITED));
    Request r = Request.of("orch", "deploy", "release").resource("svc/api").build();
    AtomicInteger allowed = new AtomicInteger();
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> {
        for (int k = 0; k < 150; k++) {
          if (remit.authorize(r).allowed()) {
            allowed.incrementAndGet();
          }
        }
      });
      t.start();
      ts.add(t);
    }
    for (Thread t : ts) {
      t.join();
    }
    assertThat(allowed.get()).isEqualTo(200);
    assertThat(remit.remainingCalls("root")).isZero();
    assertThat(remit.cacheStats().hits()).isPositive();
  }

  // ------------------------------------------------------------ time

  private Policy expiring(Grant.Builder g) {
    return CacheFixture.base().grant(g.principal("alice").holder("orch")
        .allow("deploy", List.of("release"), "svc/**").build()).build();
  }

  @Test
  void aCachedAllowIsNotServedOnceTheGrantExpires() {
    Remit remit = cached(expiring(Grant.builder("g").expiresAt(T0.plusSeconds(10))));
    Request r = Request.of("orch", "deploy", "release").resource("svc/api").build();
    warm(remit, r);
    clock.set(T0.plusMillis(9_999));
    assertThat(remit.authorize(r).allowed()).isTrue();
    assertThat(remit.cacheStats().hits()).isEqualTo(2);

    clock.set(T0.plusSeconds(10));

    Decision d = remit.authorize(r);
    assertThat(d.outcome()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).containsExactly(ReasonCode.GRANT_EXPIRED);
  }

  @Test
  void aCachedAllowIsNotServedOnceAnAncestorExpires() {
    Policy p = CacheFixture.base()
        .grant(Grant.builder("root").principal("alice").holder("orch").allow("deploy", List.of("release"), "svc/**")
            .expiresAt(T0.plusSeconds(5)).build())
        .grant(Grant.builder("sub").parent("root").holder("worker").allow("deploy", List.of("release"), "svc/**")
            .expiresAt(T0.plusSeconds(5)).build())
        .build();
    Remit remit = cached(p);
    Request r = Request.of("worker", "deploy", "release").resource("svc/api").build();
    warm(remit, r);
    clock.set(T0.plusSeconds(5));
    assertThat(remit.authorize(r).codes()).containsExactly(ReasonCode.GRANT_EXPIRED);
  }

  @Test
  void aCachedDenyBeforeNotBeforeIsNotServedOnceTheGrantStarts() {
    Remit remit = cached(expiring(Grant.builder("g").notBefore(T0.plusSeconds(5)).expiresAt(T0.plusSeconds(50))));
    Request r = Request.of("orch", "deploy", "release").resource("svc/api").build();
    assertThat(warm(remit, r).codes()).containsExactly(ReasonCode.GRANT_NOT_YET_VALID);
    clock.set(T0.plusSeconds(5));
    assertThat(remit.authorize(r).allowed()).isTrue();
  }

  @Test
  void aCachedAllowIsNotServedPastTheEndOfTheGrantsWindow() {
    Remit remit = cached(expiring(Grant.builder("g").window(CacheFixture.businessHours())
        .expiresAt(T0.plus(Duration.ofDays(2)))));
    Request r = Request.of("orch", "deploy", "release").resource("svc/api").build();
    clock.set(T0.plus(Duration.ofHours(4)).plusSeconds(59).plusMillis(1)); // 16:59:59.001
    warm(remit, r);
    clock.set(T0.plus(Duration.ofHours(4)).plusSeconds(59).plusMillis(999));
    assertThat(remit.authorize(r).allowed()).isTrue();
    clock.set(T0.plus(Duration.ofHours(5))); // 17:00:00.000
    assertThat(remit.authorize(r).codes()).containsExactly(ReasonCode.OUTSIDE_TIME_WINDOW);
    clock.set(T0.plus(Duration.ofHours(21))); // 09:00 next day
    assertThat(remit.authorize(r).allowed()).isTrue();
  }

  @Test
  void aCachedAllowIsNotServedOnceAForbidRulesOutsideWindowStartsToApply() {
    TimeWindow kolkataDay = new TimeWindow(LocalTime.of(9, 0), LocalTime.of(17, 30), ZoneId.of("Asia/Kolkata"), Set.of());
    Policy p = CacheFixture.base().rule(Rule.forbid("after-hours").tool("deploy").outside(kolkataDay).build())
        .grant(Grant.builder("g").principal("alice").holder("orch").allow("deploy", List.of("release"), "svc/**")
            .expiresAt(T0.plus(Duration.ofDays(2))).build())
        .build();
    Remit remit = cached(p);
    Request r = Request.of("orch", "deploy", "release").resource("svc/api").build();
    // 17:30 in Kolkata (+05:30) is 12:00 UTC
    clock.set(T0.minusMillis(1));
    warm(remit, r);
    clock.set(T0);
    assertThat(remit.authorize(r).codes()).containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
  }

  @Test
  void aCredentialObligationKeepsItsTtlExactWhenTheGrantNearsExpiry() {
    Policy p = CacheFixture.base().grant(Grant.builder("g").principal("alice").holder("orch")
        .allow("deploy", List.of("release"), "svc/**").expiresAt(T0.plus(Duration.ofHours(1)))
        .credential(new CredentialSpec("deploy-api", List.of("release"), Duration.ofMinutes(15))).build()).build();
    Remit remit = cached(p);
    Remit plain = uncached(p);
    Request r = Request.of("orch", "deploy", "release").resource("svc/api").build();
    for (long min : new long[] {0, 1, 44, 45, 46, 50, 59}) {
      clock.set(T0.plus(Duration.ofMinutes(min)));
      for (int i = 0; i < 2; i++) {
        assertThat(remit.authorize(r).obligations()).as("minute " + min).isEqualTo(plain.authorize(r).obligations());
      }
    }
  }

  // ------------------------------------------------------------ the key

  @Test
  void irrelevantContextDoesNotDefeatTheCache() {
    Remit remit = cached(CacheFixture.policy());
    for (int i = 0; i < 10; i++) {
      Request r = Request.of("worker", "payments", "transfer").resource("acct/ops/1").arg("amount", 100)
          .context("traceparent", "00-" + i + "-01").context("timestamp", 1000 + i).build();
      assertThat(remit.authorize(r).allowed()).isTrue();
    }
    assertThat(remit.cacheStats().hits()).isEqualTo(9);
    assertThat(remit.cacheStats().misses()).isEqualTo(1);
  }

  @Test
  void relevantValuesAreNeverIgnored() {
    Remit remit = cached(CacheFixture.policy());
    for (int round = 0; round < 2; round++) {
      assertThat(remit.authorize(transfer("worker", "acct/ops/1", 100)).outcome()).isEqualTo(Outcome.ALLOW);
      assertThat(remit.authorize(transfer("worker", "acct/ops/1", 1500)).outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
      assertThat(remit.authorize(transfer("worker", "acct/ops/1", 2500)).codes())
          .containsExactly(ReasonCode.CONSTRAINT_VIOLATED);
      assertThat(remit.authorize(Request.of("orch", "crm", "read").resource("crm/x")
          .resourceProperty("classification", "secret").build()).codes()).containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
      assertThat(remit.authorize(Request.of("orch", "crm", "read").resource("crm/x")
          .resourceProperty("classification", "public").build()).allowed()).isTrue();
      assertThat(remit.authorize(Request.of("orch", "crm", "read").resource("crm/x").build()).allowed()).isTrue();
    }
    assertThat(remit.cacheStats().hits()).isEqualTo(6);
  }

  @Test
  void theResourceTypeIsKeyedOnceAConstraintReadsIt() {
    Policy p = CacheFixture.base().rule(Rule.forbid("no-tables").tool("crm").when("resource.type == table")
        .onMissing(Rule.OnMissing.NOT_APPLICABLE).build()).grant(CacheFixture.policy().grants().get(0)).build();
    Remit remit = cached(p);
    for (int round = 0; round < 2; round++) {
      assertThat(remit.authorize(Request.of("orch", "crm", "read").resource("row", "crm/x").build()).allowed()).isTrue();
      assertThat(remit.authorize(Request.of("orch", "crm", "read").resource("table", "crm/x").build()).codes())
          .containsExactly(ReasonCode.FORBIDDEN_BY_RULE);
    }
    assertThat(remit.cacheStats().hits()).isEqualTo(2);
  }

  @Test
  void numbersOfDifferentTypesAreKeyedApartSoEachGetsItsOwnMessage() {
    Remit remit = cached(CacheFixture.policy());
    Remit plain = uncached(CacheFixture.policy());
    for (Object amount : new Object[] {2500, 2500L, 2500.0, 2500, 2500.0}) {
      Request r = transfer("worker", "acct/ops/1", amount);
      assertThat(remit.authorize(r).reasons()).isEqualTo(plain.authorize(r).reasons());
    }
    assertThat(remit.cacheStats().hits()).isEqualTo(2);
  }

  @Test
  void aReferencedValueThatIsNotAScalarBypassesTheCache() {
    Remit remit = cached(CacheFixture.policy());
    Request r = transfer("worker", "acct/ops/1", Map.of("value", 5));
    assertThat(remit.authorize(r).codes()).containsExactly(ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
    assertThat(remit.authorize(r).codes()).containsExactly(ReasonCode.ATTRIBUTE_TYPE_MISMATCH);
    assertThat(remit.cacheStats().bypassed()).isEqualTo(2);
  }

  @Test
  void aRequestWhoseValuesThrowIsDeniedNotThrown() {
    Map<String, Object> hostile = new java.util.AbstractMap<>() {
      @Override
      public Set<Map.Entry<String, Object>> entrySet() {
        throw new IllegalStateException("boom");
      }

      @Override
      public Object get(Object key) {
        throw new IllegalStateException("boom");
      }
    };
    Remit remit = cached(Policy.builder().version("v").principal(Principal.human("alice", List.of(Scope.all("crm", "crm/**"))))
        .agent(Agent.of("orch", "alice", "p", "prod")).tool(Tool.of("crm", "read", RiskClass.READ))
        .grant(Grant.builder("g").principal("alice").holder("orch").allow("crm", List.of("read"), "crm/**")
            .constraint("args.filter.owner == alice").expiresAt(T0.plusSeconds(60)).build()).build());
    Request r = Request.of("orch", "crm", "read").resource("crm/x").arg("filter", hostile).build();
    Decision d = remit.authorize(r);
    assertThat(d.outcome()).isEqualTo(Outcome.DENY);
    assertThat(d.codes()).containsExactly(ReasonCode.EVALUATION_ERROR);
    assertThat(remit.cacheStats().bypassed()).isEqualTo(1);
  }

  @Test
  void anApprovalIsUsedOnceAndRequestsPresentingOneBypassTheCache() {
    Remit remit = cached(CacheFixture.policy());
    Request r = transfer("worker", "acct/ops/1", 1500);
    assertThat(warm(remit, r).outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
    Approval a = remit.approve(r, "alice", "finance", Duration.ofMinutes(5));
    Request withApproval = r.withContext("approval", a.id());

    assertThat(remit.authorize(withApproval).outcome()).isEqualTo(Outcome.ALLOW);
    Decision again = remit.authorize(withApproval);
    assertThat(again.outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
    assertThat(again.codes()).contains(ReasonCode.APPROVAL_INVALID);
    assertThat(remit.authorize(r).outcome()).isEqualTo(Outcome.REQUIRE_APPROVAL);
    assertThat(remit.cacheStats().bypassed()).isEqualTo(2);
  }

  // ------------------------------------------------------------ decisions and statistics

  @Test
  void everyHitIsANewDecisionWithItsOwnIdAndTheCurrentTime() {
    Remit remit = cached(CacheFixture.policy());
    Request r = read("orch", "crm/contacts/1");
    Set<String> ids = new HashSet<>();
    Decision first = remit.authorize(r);
    ids.add(first.id());
    for (int i = 1; i <= 5; i++) {
      clock.advance(Duration.ofMillis(7));
      Decision d = remit.authorize(r);
      ids.add(d.id());
      assertThat(d.evaluatedAt()).isEqualTo(T0.plusMillis(7L * i));
      assertThat(d).usingRecursiveComparison().ignoringFields("id", "evaluatedAt").isEqualTo(first);
    }
    assertThat(ids).hasSize(6);
    assertThat(remit.cacheStats().hits()).isEqualTo(5);
  }

  @Test
  void decisionIdsStayUniqueAcrossThreadsHitsAndMisses() throws Exception {
    Remit remit = cached(CacheFixture.policy());
    Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AtomicInteger made = new AtomicInteger();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int salt = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 3000; i++) {
          ids.add(remit.authorize(read("orch", "crm/c" + ((i * 7 + salt) % 50))).id());
          made.incrementAndGet();
        }
      });
      th.start();
      ts.add(th);
    }
    for (Thread th : ts) {
      th.join();
    }
    assertThat(ids).hasSize(made.get());
  }

  @Test
  void statisticsCountHitsMissesInvalidationsBypassesAndEvictions() {
    Remit remit = Remit.builder().policy(CacheFixture.policy()).clock(clock).decisionCacheSize(2).build();
    remit.authorize(read("orch", "crm/a"));
    remit.authorize(read("orch", "crm/a"));
    remit.authorize(null);
    remit.suspendAgent("worker"); // another agent: orch's entry stays valid
    remit.authorize(read("orch", "crm/a"));
    remit.suspendAgent("orch");
    remit.authorize(read("orch", "crm/a"));
    for (int i = 0; i < 50; i++) {
      remit.authorize(read("orch", "crm/b" + i));
    }
    CacheStats s = remit.cacheStats();
    assertThat(s.enabled()).isTrue();
    assertThat(s.hits()).isEqualTo(2);
    assertThat(s.misses()).isEqualTo(52);
    assertThat(s.invalidated()).isEqualTo(1);
    assertThat(s.bypassed()).isEqualTo(1);
    assertThat(s.evictions()).isGreaterThan(0);
    assertThat(s.size()).isLessThanOrEqualTo(2);
    assertThat(s.maximumSize()).isEqualTo(2);
    assertThat(s.requests()).isEqualTo(55);
  }

  @Test
  void aDecisionPointWithoutCacheReportsDisabledStatistics() {
    Remit remit = uncached(CacheFixture.policy());
    remit.authorize(read("orch", "crm/a"));
    assertThat(remit.cacheStats()).isEqualTo(CacheStats.DISABLED);
  }
}
