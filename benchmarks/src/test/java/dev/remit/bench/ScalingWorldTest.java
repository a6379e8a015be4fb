package dev.remit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.Decision;
import dev.remit.Request;
import org.junit.jupiter.api.Test;

class ScalingWorldTest {

  @Test
  void theChainsLastAgentIsAllowedEveryGeneratedRequestThroughEightLinks() {
    ScalingWorld w = ScalingWorld.create(53, 8, false).fill();
    for (Request r : w.requests(64, 1)) {
      Decision d = w.remit.authorize(r);
      assertThat(d.allowed()).as(r.toString()).isTrue();
      assertThat(d.chain().hops()).hasSize(8);
    }
  }

  @Test
  void theWorldHoldsExactlyTheRequestedNumberOfGrants() {
    ScalingWorld w = ScalingWorld.create(53, 3, true).fill();
    assertThat(ScalingWorld.fillerAgents(53, 3)).isEqualTo(5);
    assertThat(w.remit.grant("f-49")).isNotNull();
    assertThat(w.remit.grant("f-50")).isNull();
    assertThat(w.remit.grant("chain-grant-2")).isNotNull();
  }

  @Test
  void aFillerAgentIsNotAllowedTheChainsRequests() {
    ScalingWorld w = ScalingWorld.create(20, 2, false).fill();
    Request r = w.requests(1, 1)[0];
    Request other = Request.of("filler-0", r.tool(), r.operation()).resource(r.resource()).arg("limit", 999L).build();
    assertThat(w.remit.authorize(other).allowed()).isFalse();
  }

  @Test
  void floorKeysOfTheSameRequestAreEqualAndOfDifferentArgumentsDiffer() {
    Request[] rs = DecisionBenchmarks.requests(16, 3);
    FloorKey probe = new FloorKey(DecisionBenchmarks.KEY_ARGS.length);
    FloorKey a = probe.fill(rs[0], DecisionBenchmarks.KEY_ARGS).freeze();
    assertThat(probe.fill(rs[0], DecisionBenchmarks.KEY_ARGS)).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(new FloorKey(6).fill(rs[1], DecisionBenchmarks.KEY_ARGS)).isNotEqualTo(a);
  }
}
