package startos.http;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-shot continuation guids for {@code /ws/rpc/<guid>} and {@code /rest/rpc/<guid>}: each is
 * valid for a time-to-live (30 s in StartOS) until used once, and is bound to the session that
 * created it. When that session ends, its unused guids are discarded and its open WebSockets
 * closed. Thread-safe.
 */
public final class Continuations implements AutoCloseable {
  /** StartOS's time to connect after the RPC that returned the guid. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(Continuations.class);
  private static final String NO_SESSION = "";

  private sealed interface Handler permits Ws, Rest {}

  private record Ws(WsContinuation continuation) implements Handler {}

  private record Rest(RestContinuation continuation) implements Handler {}

  private record Pending(String session, Instant expires, Handler handler) {}

  private final InstantSource clock;
  private final Duration ttl;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Set<WsConnection>> open = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  public Continuations(InstantSource clock, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a continuation TTL must be positive, got " + ttl);
    }
    this.clock = clock;
    this.ttl = ttl;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("continuation-sweeper").unstarted(r));
    long period = Math.max(100, Math.min(5_000, ttl.toMillis() / 2));
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /** Registers a WebSocket continuation for the given session (empty: not session-bound). */
  public String addWebSocket(Optional<String> sessionId, WsContinuation continuation) {
    return add(sessionId, new Ws(continuation));
  }

  /** Registers an HTTP continuation for the given session (empty: not session-bound). */
  public String addRest(Optional<String> sessionId, RestContinuation continuation) {
    return add(sessionId, new Rest(continuation));
  }

  private String add(Optional<String> sessionId, Handler handler) {
    String guid = Guid.generate();
    pending.put(
        guid, new Pending(sessionId.orElse(NO_SESSION), clock.instant().plus(ttl), handler));
    return guid;
  }

  /** A claimed WebSocket continuation, with the session it belongs to. */
  record ClaimedWs(String session, WsContinuation continuation) {}

  /** Takes a WebSocket guid out of the registry: empty when unknown, used or expired. */
  Optional<ClaimedWs> claimWebSocket(String guid) {
    return claim(guid, Ws.class)
        .map(p -> new ClaimedWs(p.session(), ((Ws) p.handler()).continuation()));
  }

  /** Takes a REST guid out of the registry: empty when unknown, used or expired. */
  Optional<RestContinuation> claimRest(String guid) {
    return claim(guid, Rest.class).map(p -> ((Rest) p.handler()).continuation());
  }

  private Optional<Pending> claim(String guid, Class<? extends Handler> kind) {
    Pending entry = pending.get(guid);
    if (entry == null || !kind.isInstance(entry.handler()) || !pending.remove(guid, entry)) {
      return Optional.empty();
    }
    if (!entry.expires().isAfter(clock.instant())) {
      discard(entry);
      return Optional.empty();
    }
    return Optional.of(entry);
  }

  void opened(String session, WsConnection connection) {
    open.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(connection);
    connection.onClose(() ->
        open.computeIfPresent(
            session,
            (s, set) -> {
              set.remove(connection);
              return set.isEmpty() ? null : set;
            }));
  }

  /** Discards a session's unused guids and closes its open WebSockets (logout, kill). */
  public void endSession(String sessionId) {
    for (Map.Entry<String, Pending> e : List.copyOf(pending.entrySet())) {
      if (e.getValue().session().equals(sessionId) && pending.remove(e.getKey(), e.getValue())) {
        discard(e.getValue());
      }
    }
    Set<WsConnection> sockets = open.remove(sessionId);
    if (sockets != null) {
      for (WsConnection socket : sockets) {
        socket.close(WsConnection.SESSION_ENDED, "session ended");
      }
    }
  }

  /** Number of guids not yet used or expired. */
  public int pendingCount() {
    return pending.size();
  }

  /** Removes expired guids now (also runs periodically). */
  public void sweep() {
    Instant now = clock.instant();
    for (Map.Entry<String, Pending> e : List.copyOf(pending.entrySet())) {
      if (!e.getValue().expires().isAfter(now) && pending.remove(e.getKey(), e.getValue())) {
        discard(e.getValue());
      }
    }
  }

  private static void discard(Pending entry) {
    try {
      switch (entry.handler()) {
        case Ws ws -> ws.continuation().discard();
        case Rest rest -> rest.continuation().discard();
      }
    } catch (RuntimeException e) {
      LOG.warn("discarding a continuation failed", e);
    }
  }

  /** Closes every open socket and discards every pending guid (shutdown). */
  @Override
  public void close() {
    sweeper.shutdownNow();
    for (String guid : new ArrayList<>(pending.keySet())) {
      Pending entry = pending.remove(guid);
      if (entry != null) {
        discard(entry);
      }
    }
    for (Set<WsConnection> sockets : List.copyOf(open.values())) {
      sockets.forEach(s -> s.close(1001, "server shutting down"));
    }
  }
}
