package startos.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * StartOS's login throttle, kept per client: after 3 attempts, an attempt less than 20 s after the
 * previous counted one is refused (and not counted). StartOS keeps one global bucket, which lets
 * anyone on the network lock the owner out by guessing; here each client (IP address; an IPv6
 * client by its /64, since one host can hold a whole prefix) has its own, and a successful login
 * clears it. Thread-safe.
 */
public final class LoginRateLimiter {
  static final int FREE_ATTEMPTS = 3;
  static final Duration SPACING = Duration.ofSeconds(20);

  /** Clients tracked at once; beyond this (and after forgetting idle ones) they share a bucket. */
  static final int MAX_CLIENTS = 4096;

  private static final String OVERFLOW = "(too many clients)";

  private static final class Bucket {
    int attempts;
    Instant last = Instant.MIN;
  }

  private final InstantSource clock;
  private final Map<String, Bucket> buckets = new HashMap<>();

  public LoginRateLimiter(InstantSource clock) {
    this.clock = clock;
  }

  /**
   * Counts one login attempt by {@code client} (its IP address as text; empty when unknown).
   *
   * @throws RpcException RateLimited (37) when it comes too soon after that client's previous one
   */
  public synchronized void attempt(String client) {
    Instant now = clock.instant();
    Bucket bucket = bucket(key(client), now);
    if (bucket.attempts >= FREE_ATTEMPTS && bucket.last.plus(SPACING).isAfter(now)) {
      long wait = Math.max(1, Duration.between(now, bucket.last.plus(SPACING)).toSeconds());
      throw new RpcException(
          ErrorKind.RATE_LIMITED,
          "too many login attempts: wait %d s and try again".formatted(wait));
    }
    bucket.attempts++;
    bucket.last = now;
  }

  /** A correct password from {@code client}: its count starts over. */
  public synchronized void succeeded(String client) {
    buckets.remove(key(client));
  }

  private Bucket bucket(String key, Instant now) {
    Bucket existing = buckets.get(key);
    if (existing != null) {
      return existing;
    }
    if (buckets.size() >= MAX_CLIENTS) {
      // a bucket idle for the spacing restricts nothing any more
      buckets.values().removeIf(b -> !b.last.plus(SPACING).isAfter(now));
    }
    String k = buckets.size() >= MAX_CLIENTS ? OVERFLOW : key;
    return buckets.computeIfAbsent(k, x -> new Bucket());
  }

  /** IPv4 as is; IPv6 by its first four groups (the /64 a single host may own). */
  static String key(String client) {
    if (!client.contains(":")) {
      return client;
    }
    String[] groups = client.split(":", -1);
    if (client.contains("::") || groups.length < 4) {
      // compressed forms are rare from Java's getHostAddress (it never compresses); keep whole
      return client;
    }
    return String.join(":", groups[0], groups[1], groups[2], groups[3]) + "::/64";
  }
}
