package startos.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * StartOS's login throttle: after 3 attempts, an attempt less than 20 s after the previous counted
 * one is refused (and not counted). Global, not per client, like StartOS.
 */
public final class LoginRateLimiter {
  static final int FREE_ATTEMPTS = 3;
  static final Duration SPACING = Duration.ofSeconds(20);

  private final InstantSource clock;
  private int attempts;
  private Instant last = Instant.MIN;

  public LoginRateLimiter(InstantSource clock) {
    this.clock = clock;
  }

  /**
   * Counts one login attempt.
   *
   * @throws RpcException RateLimited (37) when it comes too soon after the previous one
   */
  public synchronized void attempt() {
    Instant now = clock.instant();
    if (attempts >= FREE_ATTEMPTS && last.plus(SPACING).isAfter(now)) {
      long wait = Math.max(1, Duration.between(now, last.plus(SPACING)).toSeconds());
      throw new RpcException(
          ErrorKind.RATE_LIMITED,
          "too many login attempts: wait %d s and try again".formatted(wait));
    }
    attempts++;
    last = now;
  }
}
