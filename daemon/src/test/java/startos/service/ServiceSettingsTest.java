package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The memory cap every service's container gets unless configured otherwise. */
class ServiceSettingsTest {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  @Test
  void aServiceMayUseAllRamButATenthKeptForTheHost() {
    assertThat(ServiceSettings.defaultMemoryLimit(24 * GIB))
        .isEqualTo((24 * GIB - 24 * GIB / 10) >> 20 << 20);
  }

  @Test
  void smallMachinesKeepAtLeast512MibButNeverGiveAServiceLessThanHalf() {
    assertThat(ServiceSettings.defaultMemoryLimit(4 * GIB)).isEqualTo(4 * GIB - 512 * MIB);
    assertThat(ServiceSettings.defaultMemoryLimit(GIB)).isEqualTo(512 * MIB);
    assertThat(ServiceSettings.defaultMemoryLimit(512 * MIB)).isEqualTo(256 * MIB);
  }

  @Test
  void anUnknownRamSizeLeavesMemoryUncapped() {
    assertThat(ServiceSettings.defaultMemoryLimit(0)).isZero();
  }

  @Test
  void theDefaultsCapMemoryBelowThisMachinesRam() {
    long ram = ServiceSettings.hostMemoryBytes();
    long limit = ServiceSettings.defaults(Path.of("/tmp/d"), Path.of("/tmp/i")).memoryLimitBytes();
    assertThat(ram).isPositive();
    assertThat(limit).isPositive().isLessThan(ram).isGreaterThanOrEqualTo(ram / 2 - MIB);
  }

  @Test
  void aLimitTooSmallToRunTheRuntimeIsRefusedWithTheReason() {
    var settings = ServiceSettings.defaults(Path.of("/tmp/d"), Path.of("/tmp/i"));
    assertThatThrownBy(() -> settings.withMemoryLimitBytes(MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too small");
    assertThat(settings.withMemoryLimitBytes(0).memoryLimitBytes()).isZero();
  }
}
