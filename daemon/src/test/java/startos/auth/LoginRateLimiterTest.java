package startos.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

class LoginRateLimiterTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final LoginRateLimiter limiter = new LoginRateLimiter(() -> now.get());

  @Test
  void threeQuickAttemptsPassTheFourthIsRateLimited37() {
    limiter.attempt();
    limiter.attempt();
    limiter.attempt();
    now.set(now.get().plusSeconds(19));
    assertThatThrownBy(limiter::attempt)
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.kind())
                    .isEqualTo(ErrorKind.RATE_LIMITED))
        .hasMessageContaining("wait 1 s");
  }

  @Test
  void after20SecondsOneMoreAttemptIsAllowed() {
    for (int i = 0; i < 3; i++) {
      limiter.attempt();
    }
    now.set(now.get().plusSeconds(20));
    assertThatCode(limiter::attempt).doesNotThrowAnyException();
    now.set(now.get().plusSeconds(5));
    assertThatThrownBy(limiter::attempt).isInstanceOf(RpcException.class);
  }
}
