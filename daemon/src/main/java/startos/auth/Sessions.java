package startos.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
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
 * lastActive, userAgent}}, ephemeral ones only in memory. Thread-safe.
 */
public final class Sessions {
  static final String POINTER = "/private/sessions";
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

  /** The hashed id of the live session this token belongs to; refreshes its lastActive. */
  public Optional<String> authenticate(String token) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    String id = SessionToken.hash(token);
    Instant now = clock.instant();
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
    if (db.get(POINTER + "/" + id).isEmpty()) {
      return Optional.empty();
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

  /** {@code {current, sessions: {hashedId: {loggedIn, lastActive, userAgent}}}}. */
  public ObjectNode list(Optional<String> current) {
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
