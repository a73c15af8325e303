package startos.auth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import startos.model.Database;
import startos.model.ModelJson;
import startos.model.Session;
import startos.model.Slots;

/**
 * Login sessions: persistent ones in {@link Slots#SESSIONS} by hashed token, ephemeral ones only in
 * memory. A session ends when unused for {@link #IDLE_TIMEOUT} or {@link #MAX_LIFETIME} after
 * login, whichever comes first (StartOS's never end; these keep a daily user logged in for months
 * while a forgotten browser or a leaked cookie stops working). Thread-safe.
 */
public final class Sessions {
  /** A session not used for this long has ended. */
  public static final Duration IDLE_TIMEOUT = Duration.ofDays(14);

  /** No session lives longer than this after its login. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(90);

  // lastActive is written at most this often per session, so that reading is not a DB write each
  static final Duration ACTIVITY_GRANULARITY = Duration.ofSeconds(60);

  private final Database db;
  private final InstantSource clock;
  private final Map<String, Session> ephemeral = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastWritten = new ConcurrentHashMap<>();
  private final List<Consumer<String>> endListeners = new CopyOnWriteArrayList<>();

  public Sessions(Database db, InstantSource clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Called with the hashed id of every session that ends (logout or kill). */
  public void onEnd(Consumer<String> listener) {
    endListeners.add(listener);
  }

  /** Starts a session; the caller has checked the password. */
  public SessionToken create(boolean isEphemeral, Optional<String> userAgent) {
    SessionToken token = SessionToken.generate();
    Instant now = clock.instant();
    Session session = new Session(now, now, userAgent);
    if (isEphemeral) {
      ephemeral.put(token.hashedId(), session);
    } else {
      db.update(Slots.SESSIONS, all -> ModelJson.with(all, token.hashedId(), session));
      lastWritten.put(token.hashedId(), now);
    }
    return token;
  }

  /**
   * The hashed id of the live session this token belongs to; refreshes its lastActive. An expired
   * session is ended here (its websockets closed) and the token refused.
   */
  public Optional<String> authenticate(String token) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String id = SessionToken.hash(token);
    Instant now = clock.instant();
    Session memory = ephemeral.get(id);
    Optional<Session> stored =
        memory != null ? Optional.of(memory) : Optional.ofNullable(stored().get(id));
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    if (expired(stored.get(), now)) {
      end(List.of(id));
      return Optional.empty();
    }
    if (ephemeral.computeIfPresent(id, (key, session) -> session.withLastActive(now)) != null) {
      return Optional.of(id);
    }
    Instant written = lastWritten.get(id);
    if (written == null || !written.plus(ACTIVITY_GRANULARITY).isAfter(now)) {
      lastWritten.put(id, now);
      db.update(
          Slots.SESSIONS,
          all -> {
            Session session = all.get(id);
            // ended meanwhile (logout on another request): not brought back
            return session == null ? all : ModelJson.with(all, id, session.withLastActive(now));
          });
    }
    return Optional.of(id);
  }

  /** Whether a session is past its idle timeout or lifetime. */
  static boolean expired(Session session, Instant now) {
    return !session.loggedIn().plus(MAX_LIFETIME).isAfter(now)
        || !session.lastActive().plus(IDLE_TIMEOUT).isAfter(now);
  }

  /** Ends every expired session (their cookies would be refused anyway). */
  public void endExpired() {
    Instant now = clock.instant();
    List<String> expired = new ArrayList<>();
    ephemeral.forEach((id, session) -> {
      if (expired(session, now)) {
        expired.add(id);
      }
    });
    stored()
        .forEach((id, session) -> {
          if (expired(session, now)) {
            expired.add(id);
          }
        });
    if (!expired.isEmpty()) {
      end(expired);
    }
  }

  /** {@code {current, sessions: {hashedId: {loggedIn, lastActive, userAgent}}}}. */
  public ObjectNode list(Optional<String> current) {
    endExpired();
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (current.isPresent()) {
      out.put("current", current.get());
    } else {
      out.putNull("current");
    }
    ObjectNode sessions = out.putObject("sessions");
    stored().forEach((id, session) -> sessions.set(id, ModelJson.encode(session)));
    ephemeral.forEach((id, session) -> sessions.set(id, ModelJson.encode(session)));
    return out;
  }

  /**
   * Ends these sessions (unknown ids are ignored, as StartOS does); returns the ids that existed.
   */
  public Set<String> end(Collection<String> ids) {
    Set<String> ended = new TreeSet<>();
    for (String id : ids) {
      if (ephemeral.remove(id) != null) {
        ended.add(id);
      }
      lastWritten.remove(id);
    }
    db.update(
        Slots.SESSIONS,
        all -> {
          Map<String, Session> left = all;
          for (String id : ids) {
            if (left.containsKey(id)) {
              ended.add(id);
              left = ModelJson.without(left, id);
            }
          }
          return left;
        });
    // also for ids not found: their websockets may outlive a session removed another way
    for (String id : new TreeSet<>(ids)) {
      endListeners.forEach(l -> l.accept(id));
    }
    return ended;
  }

  private Map<String, Session> stored() {
    return db.read(Slots.SESSIONS);
  }
}
