package startos.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

class LoginRateLimiterTest {
  private static final String ATTACKER = "192.168.1.66";
  private static final String OWNER = "192.168.1.10";

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final LoginRateLimiter limiter = new LoginRateLimiter(() -> now.get());

  @Test
  void threeQuickAttemptsPassTheFourthIsRateLimited37() {
    limiter.attempt(OWNER);
    limiter.attempt(OWNER);
    limiter.attempt(OWNER);
    now.set(now.get().plusSeconds(19));
    assertThatThrownBy(() -> limiter.attempt(OWNER))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMITED))
        .hasMessageContaining("wait 1 s");
  }

  @Test
  void after20SecondsOneMoreAttemptIsAllowed() {
    for (int i = 0; i < 3; i++) {
      limiter.attempt(OWNER);
    }
    now.set(now.get().plusSeconds(20));
    assertThatCode(() -> limiter.attempt(OWNER)).doesNotThrowAnyException();
    now.set(now.get().plusSeconds(5));
    assertThatThrownBy(() -> limiter.attempt(OWNER)).isInstanceOf(RpcException.class);
  }

  @Test
  void aClientGuessingPasswordsDoesNotLockOutAnotherClient() {
    for (int i = 0; i < 3; i++) {
      limiter.attempt(ATTACKER);
    }
    assertThatThrownBy(() -> limiter.attempt(ATTACKER)).isInstanceOf(RpcException.class);
    assertThatCode(() -> limiter.attempt(OWNER)).doesNotThrowAnyException();
  }

  @Test
  void aSuccessfulLoginStartsTheCountOver() {
    for (int i = 0; i < 3; i++) {
      limiter.attempt(OWNER);
    }
    limiter.succeeded(OWNER);
    for (int i = 0; i < 3; i++) {
      assertThatCode(() -> limiter.attempt(OWNER)).doesNotThrowAnyException();
    }
  }

  @Test
  void anIpv6ClientIsCountedByItsSlash64() {
    for (int i = 1; i <= 3; i++) {
      limiter.attempt("2001:db8:1:2:0:0:0:" + i);
    }
    assertThatThrownBy(() -> limiter.attempt("2001:db8:1:2:0:0:0:99"))
        .isInstanceOf(RpcException.class);
    assertThatCode(() -> limiter.attempt("2001:db8:1:3:0:0:0:1")).doesNotThrowAnyException();
  }
}
