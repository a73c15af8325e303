package startos.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
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
import startos.patchdb.PatchDb;

/**
 * Login sessions: persistent ones in {@code /private/sessions/<hashedId>} as {@code {loggedIn,
 * lastActive, userAgent}}, ephemeral ones only in memory. A session ends when unused for {@link
 * #IDLE_TIMEOUT} or {@link #MAX_LIFETIME} after login, whichever comes first (StartOS's never end;
 * these keep a daily user logged in for months while a forgotten browser or a leaked cookie stops
 * working). Thread-safe.
 */
public final class Sessions {
  static final String POINTER = "/private/sessions";

  /** A session not used for this long has ended. */
  public static final Duration IDLE_TIMEOUT = Duration.ofDays(14);

  /** No session lives longer than this after its login. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(90);

  // lastActive is written at most this often per session, so that reading is not a DB write each
  static final Duration ACTIVITY_GRANULARITY = Duration.ofSeconds(60);

  private final PatchDb db;
  private final InstantSource clock;
  private final Map<String, ObjectNode> ephemeral = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastWritten = new ConcurrentHashMap<>();
  private final List<Consumer<String>> endListeners = new CopyOnWriteArrayList<>();

  public Sessions(PatchDb db, InstantSource clock) {
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
    ObjectNode record = record(now, userAgent);
    if (isEphemeral) {
      ephemeral.put(token.hashedId(), record);
    } else {
      db.mutate(root -> {
        sessionsOf(root).set(token.hashedId(), record);
        return null;
      });
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
    ObjectNode memory = ephemeral.get(id);
    Optional<JsonNode> stored = memory != null ? Optional.of(memory) : db.get(POINTER + "/" + id);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    if (expired(stored.get(), now)) {
      end(List.of(id));
      return Optional.empty();
    }
    // records are replaced, never edited in place: readers may be copying them concurrently
    ObjectNode touched =
        ephemeral.computeIfPresent(
            id,
            (key, record) -> {
              ObjectNode copy = record.deepCopy();
              copy.put("lastActive", now.toString());
              return copy;
            });
    if (touched != null) {
      return Optional.of(id);
    }
    Instant written = lastWritten.get(id);
    if (written == null || !written.plus(ACTIVITY_GRANULARITY).isAfter(now)) {
      lastWritten.put(id, now);
      db.mutate(root -> {
        if (sessionsOf(root).get(id) instanceof ObjectNode session) {
          session.put("lastActive", now.toString());
        }
        return null;
      });
    }
    return Optional.of(id);
  }

  /** Whether a session record is past its idle timeout or lifetime (unreadable: yes). */
  static boolean expired(JsonNode record, Instant now) {
    try {
      Instant loggedIn = Instant.parse(record.path("loggedIn").asText());
      Instant lastActive = Instant.parse(record.path("lastActive").asText());
      return !loggedIn.plus(MAX_LIFETIME).isAfter(now)
          || !lastActive.plus(IDLE_TIMEOUT).isAfter(now);
    } catch (DateTimeParseException e) {
      return true;
    }
  }

  /** Ends every expired session (their cookies would be refused anyway). */
  public void endExpired() {
    Instant now = clock.instant();
    List<String> expired = new ArrayList<>();
    ephemeral.forEach((id, record) -> {
      if (expired(record, now)) {
        expired.add(id);
      }
    });
    db.get(POINTER)
        .filter(JsonNode::isObject)
        .ifPresent(stored ->
            stored
                .properties()
                .forEach(e -> {
                  if (expired(e.getValue(), now)) {
                    expired.add(e.getKey());
                  }
                }));
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
    db.get(POINTER)
        .filter(JsonNode::isObject)
        .ifPresent(stored -> sessions.setAll((ObjectNode) stored));
    ephemeral.forEach((id, record) -> sessions.set(id, record.deepCopy()));
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
    db.mutate(root -> {
      ObjectNode sessions = sessionsOf(root);
      for (String id : ids) {
        if (sessions.remove(id) != null) {
          ended.add(id);
        }
      }
      return null;
    });
    // also for ids not found: their websockets may outlive a session removed another way
    for (String id : new TreeSet<>(ids)) {
      endListeners.forEach(l -> l.accept(id));
    }
    return ended;
  }

  private static ObjectNode record(Instant now, Optional<String> userAgent) {
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    record.put("loggedIn", now.toString());
    record.put("lastActive", now.toString());
    if (userAgent.isPresent()) {
      record.put("userAgent", userAgent.get());
    } else {
      record.putNull("userAgent");
    }
    return record;
  }

  private static ObjectNode sessionsOf(ObjectNode root) {
    return child(child(root, "private"), "sessions");
  }

  /** The object member {@code name}, created (or replacing a non-object) when needed. */
  static ObjectNode child(ObjectNode parent, String name) {
    if (parent.get(name) instanceof ObjectNode existing) {
      return existing;
    }
    return parent.putObject(name);
  }
}
