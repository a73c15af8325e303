package startos.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import startos.model.Database;
import startos.model.DbTx;
import startos.model.ModelJson;
import startos.model.Notification;
import startos.model.Slots;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;

/**
 * The server's notifications: kept in {@link Slots#NOTIFICATIONS} by integer id (ascending, from
 * 0), with {@code serverInfo.unreadNotificationCount} recounted in the same revision as every
 * change so the UI badge is always exact.
 */
public final class Notifications {
  /** What {@code notification.list} returns when no limit is given. */
  public static final int DEFAULT_LIMIT = 40;

  /**
   * Notifications kept per package: a package notifying in a loop only ever replaces its own oldest
   * ones, so the list (and the database) stays bounded and the user's other notifications stay.
   */
  public static final int MAX_PER_PACKAGE = 100;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Database db;
  private final Clock clock;

  public Notifications(Database db) {
    this(db, Clock.systemUTC());
  }

  Notifications(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public void register(RpcRouter router) {
    router.register("notification.list", (p, c) -> list(p));
    router.register("notification.create", this::create);
    router.register("notification.mark-seen", (p, c) -> markSeen(p, true));
    router.register("notification.mark-unseen", (p, c) -> markSeen(p, false));
    router.register("notification.mark-seen-before", (p, c) -> markSeenBefore(p));
    router.register("notification.remove", (p, c) -> remove(p));
    router.register("notification.remove-before", (p, c) -> removeBefore(p));
  }

  /** Adds a notification for the user; returns its id. Callable from any component. */
  public long notify(Draft draft) {
    Instant now = clock.instant();
    Notification notification =
        new Notification(
            draft.packageId(),
            now,
            draft.code(),
            draft.level().wire(),
            draft.title(),
            draft.message(),
            draft.data().deepCopy(),
            false);
    return db.mutate(tx -> {
      Map<String, Notification> store = tx.get(Slots.NOTIFICATIONS);
      NavigableMap<Long, Notification> byId = byId(store);
      long id = byId.isEmpty() ? 0 : byId.lastKey() + 1;
      if (draft.packageId().isPresent()) {
        store = dropOldestOf(store, draft.packageId().get(), MAX_PER_PACKAGE - 1);
      }
      save(tx, ModelJson.with(store, Long.toString(id), notification));
      return id;
    });
  }

  /** Newest first; {@code before} excludes ids at or above it. */
  JsonNode list(JsonNode params) {
    Optional<Long> before = optionalId(params, "before");
    int limit =
        (int) Math.min(Integer.MAX_VALUE, optionalId(params, "limit").orElse((long) DEFAULT_LIMIT));
    NavigableMap<Long, Notification> entries = byId(db.read(Slots.NOTIFICATIONS));
    if (before.isPresent()) {
      entries = entries.headMap(before.get(), false);
    }
    ArrayNode out = JSON.createArrayNode();
    for (Map.Entry<Long, Notification> e : entries.descendingMap().entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      ObjectNode withId = JSON.createObjectNode().put("id", e.getKey());
      withId.setAll((ObjectNode) ModelJson.encode(e.getValue()));
      out.add(withId);
    }
    return out;
  }

  JsonNode create(JsonNode params, Caller caller) {
    Params fields = Params.of(params);
    Optional<String> pkg = fields.optionalString("package");
    NotificationLevel level = NotificationLevel.parse(fields.string("level"));
    String title = fields.string("title");
    String message = fields.string("message");
    JsonNode data =
        params.path("data").isMissingNode() ? NullNode.getInstance() : params.get("data");
    // StartOS marks a plain-text payload (markdown details) with code 2
    long code = optionalId(params, "code").orElse(data.isTextual() ? 2L : 0L);
    if (code > Integer.MAX_VALUE) {
      throw new RpcException(ErrorKind.DESERIALIZATION, "code is too large: " + code);
    }
    if (title.isBlank()) {
      throw new RpcException(ErrorKind.INVALID_REQUEST, "a notification needs a non-empty title");
    }
    if (pkg.isPresent() && pkg.get().isBlank()) {
      throw new RpcException(ErrorKind.INVALID_REQUEST, "package must not be blank");
    }
    notify(new Draft(pkg, level, title, message, (int) code, data));
    return NullNode.getInstance();
  }

  JsonNode markSeen(JsonNode params, boolean seen) {
    return change(ids(params), (store, id) -> store.get(id).withSeen(seen));
  }

  /** Marks every notification with id up to and including {@code before} as seen (as StartOS). */
  JsonNode markSeenBefore(JsonNode params) {
    long before = requiredId(params, "before");
    db.mutate(tx -> {
      Map<String, Notification> store = new LinkedHashMap<>(tx.get(Slots.NOTIFICATIONS));
      byId(store)
          .headMap(before, true)
          .keySet()
          .forEach(id -> {
            String key = Long.toString(id);
            store.put(key, store.get(key).withSeen(true));
          });
      save(tx, store);
      return null;
    });
    return NullNode.getInstance();
  }

  JsonNode remove(JsonNode params) {
    return change(ids(params), (store, id) -> null);
  }

  /** Removes every notification with id below {@code before}. */
  JsonNode removeBefore(JsonNode params) {
    long before = requiredId(params, "before");
    db.mutate(tx -> {
      Map<String, Notification> store = new LinkedHashMap<>(tx.get(Slots.NOTIFICATIONS));
      byId(store).headMap(before, false).keySet().forEach(id -> store.remove(Long.toString(id)));
      save(tx, store);
      return null;
    });
    return NullNode.getInstance();
  }

  /**
   * Replaces each id's notification by {@code action}'s result (null: removes it) after checking
   * all exist, so a bad id changes nothing.
   */
  private JsonNode change(
      List<Long> ids, BiFunction<Map<String, Notification>, String, Notification> action) {
    db.mutate(tx -> {
      Map<String, Notification> store = new LinkedHashMap<>(tx.get(Slots.NOTIFICATIONS));
      TreeSet<Long> missing = new TreeSet<>();
      for (long id : ids) {
        if (!store.containsKey(Long.toString(id))) {
          missing.add(id);
        }
      }
      if (!missing.isEmpty()) {
        throw new RpcException(
            ErrorKind.NOT_FOUND,
            (missing.size() == 1 ? "notification #" : "notifications #")
                + String.join(", #", missing.stream().map(String::valueOf).toList())
                + (missing.size() == 1 ? " does not exist" : " do not exist"));
      }
      for (long id : ids) {
        String key = Long.toString(id);
        if (store.containsKey(key)) {
          Notification changed = action.apply(store, key);
          if (changed == null) {
            store.remove(key);
          } else {
            store.put(key, changed);
          }
        }
      }
      save(tx, store);
      return null;
    });
    return NullNode.getInstance();
  }

  /** {@code store} without the package's oldest notifications beyond its newest {@code keep}. */
  private static Map<String, Notification> dropOldestOf(
      Map<String, Notification> store, String packageId, int keep) {
    List<Long> ids = new ArrayList<>();
    byId(store)
        .forEach((id, n) -> {
          if (n.packageId().filter(packageId::equals).isPresent()) {
            ids.add(id);
          }
        });
    Map<String, Notification> left = store;
    for (int i = 0; i < ids.size() - keep; i++) {
      left = ModelJson.without(left, Long.toString(ids.get(i)));
    }
    return left;
  }

  /** Entries by numeric id; keys that are not ids (none are written) are skipped. */
  private static NavigableMap<Long, Notification> byId(Map<String, Notification> store) {
    TreeMap<Long, Notification> out = new TreeMap<>();
    for (Map.Entry<String, Notification> e : store.entrySet()) {
      try {
        out.put(Long.parseLong(e.getKey()), e.getValue());
      } catch (NumberFormatException ignored) {
        // not a notification id
      }
    }
    return out;
  }

  /** Stores {@code store} and recounts the unread badge in the same revision. */
  private static void save(DbTx tx, Map<String, Notification> store) {
    tx.set(Slots.NOTIFICATIONS, store);
    long unread = byId(store).values().stream().filter(n -> !n.seen()).count();
    tx.updateServerInfo(i -> i.toBuilder().unreadNotificationCount(unread).build());
  }

  private static List<Long> ids(JsonNode params) {
    requireObject(params);
    JsonNode ids = params.path("ids");
    if (!ids.isArray()) {
      throw new RpcException(ErrorKind.DESERIALIZATION, "ids must be an array of notification ids");
    }
    List<Long> out = new ArrayList<>();
    for (JsonNode id : ids) {
      if (!id.canConvertToExactIntegral() || id.asLong() < 0 || !id.isNumber()) {
        throw new RpcException(
            ErrorKind.DESERIALIZATION, "notification ids are non-negative integers, got " + id);
      }
      out.add(id.asLong());
    }
    return out;
  }

  private static long requiredId(JsonNode params, String field) {
    requireObject(params);
    return optionalId(params, field)
        .orElseThrow(() ->
            new RpcException(
                ErrorKind.DESERIALIZATION, "missing field '" + field + "' (a notification id)"));
  }

  private static Optional<Long> optionalId(JsonNode params, String field) {
    JsonNode node = params.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isNumber() || !node.canConvertToExactIntegral() || node.asLong() < 0) {
      throw new RpcException(
          ErrorKind.DESERIALIZATION, field + " must be a non-negative integer, got " + node);
    }
    return Optional.of(node.asLong());
  }

  private static void requireObject(JsonNode params) {
    if (!params.isObject()) {
      throw new RpcException(ErrorKind.DESERIALIZATION, "params must be an object");
    }
  }
}
