package startos.service;

import java.time.Duration;
import java.time.Instant;

/**
 * The wait before a crashed runtime is brought back: 1 s doubling to 30 s over consecutive crashes;
 * a runtime that stayed up a minute starts over at 1 s.
 *
 * <p>Lock discipline: this object's monitor guards both fields. The boot that succeeded (under the
 * service's lock) and the recovery thread (outside it, before it sleeps) both reach them.
 */
final class CrashBackoff {
  /** First wait before bringing a crashed runtime back; doubles per crash up to the max. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  /** A runtime that ran this long before crashing starts its backoff over. */
  static final Duration STABLE = Duration.ofSeconds(60);

  private Instant bootedAt = Instant.EPOCH;
  private int crashes;

  /** The runtime came up (init answered) at {@code at}. */
  synchronized void booted(Instant at) {
    bootedAt = at;
  }

  /** Counts a crash at {@code now} and answers how long to wait before the next restart. */
  synchronized Duration nextDelay(Instant now) {
    if (Duration.between(bootedAt, now).compareTo(STABLE) >= 0) {
      crashes = 0;
    }
    crashes++;
    long seconds = FIRST_RETRY.toSeconds() << Math.min(crashes - 1, 10);
    return seconds >= MAX_RETRY.toSeconds() ? MAX_RETRY : Duration.ofSeconds(seconds);
  }
}
