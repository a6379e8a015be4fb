package dev.remit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.remit.internal.policy.Attr;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canonical text of values: equal values alike, different values apart. */
class CanonicalTest {

  @Test
  void aPathThroughANonObjectHasATextNoRealValueHas() {
    Object marker = Attr.NOT_AN_OBJECT;
    assertThat(Canonical.ofBound(marker)).isNotEqualTo(Canonical.ofBound(marker.toString()))
        .isNotEqualTo(Canonical.ofBound(Map.of())).isNotEqualTo("<missing>");
    assertThat(Canonical.of(marker)).isEqualTo(Canonical.ofBound(marker));
  }
}
