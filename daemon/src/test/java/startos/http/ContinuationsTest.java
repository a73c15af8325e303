package startos.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContinuationsTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final InstantSource clock = () -> now.get();
  private final Continuations registry = new Continuations(clock, Duration.ofSeconds(30));

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void guidsAre32UpperCaseBase32Characters() {
    String guid = registry.addWebSocket(Optional.empty(), c -> {});
    assertThat(guid).matches("[A-Z2-7]{32}");
    assertThat(Guid.isWellFormed(guid)).isTrue();
    assertThat(Guid.isWellFormed(guid.toLowerCase(java.util.Locale.ROOT))).isFalse();
    assertThat(registry.addWebSocket(Optional.empty(), c -> {})).isNotEqualTo(guid);
  }

  @Test
  void aGuidCanBeClaimedOnlyOnce() {
    String guid = registry.addRest(Optional.of("s1"), r -> RestReply.noContent());
    assertThat(registry.claimRest(guid)).isPresent();
    assertThat(registry.claimRest(guid)).isEmpty();
  }

  @Test
  void aWebSocketGuidIsNotARestGuid() {
    String guid = registry.addWebSocket(Optional.empty(), c -> {});
    assertThat(registry.claimRest(guid)).isEmpty();
    assertThat(registry.claimWebSocket(guid)).isPresent();
  }

  @Test
  void anExpiredGuidIsRefusedAndItsContinuationDiscarded() {
    AtomicInteger discarded = new AtomicInteger();
    String guid =
        registry.addWebSocket(
            Optional.empty(),
            new WsContinuation() {
              @Override
              public void run(WsConnection connection) {}

              @Override
              public void discard() {
                discarded.incrementAndGet();
              }
            });
    now.set(now.get().plusSeconds(30));
    assertThat(registry.claimWebSocket(guid)).isEmpty();
    assertThat(discarded).hasValue(1);
  }

  @Test
  void sweepingDropsOnlyExpiredGuids() {
    registry.addWebSocket(Optional.empty(), c -> {});
    now.set(now.get().plusSeconds(20));
    String fresh = registry.addWebSocket(Optional.empty(), c -> {});
    now.set(now.get().plusSeconds(15));
    registry.sweep();
    assertThat(registry.pendingCount()).isEqualTo(1);
    assertThat(registry.claimWebSocket(fresh)).isPresent();
  }

  @Test
  void endingASessionDiscardsItsGuidsButNotOthers() {
    String mine = registry.addRest(Optional.of("mine"), r -> RestReply.noContent());
    String theirs = registry.addRest(Optional.of("theirs"), r -> RestReply.noContent());
    registry.endSession("mine");
    assertThat(registry.claimRest(mine)).isEmpty();
    assertThat(registry.claimRest(theirs)).isPresent();
  }

  @Test
  void aNonPositiveTtlIsRejected() {
    assertThatThrownBy(() -> new Continuations(clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }
}
