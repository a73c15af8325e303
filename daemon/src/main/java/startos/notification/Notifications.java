package startos.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import startos.patchdb.PatchDb;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;

/**
 * The server's notifications: kept in {@code /private/notifications} by integer id (ascending, from
 * 0), with {@code /public/serverInfo/unreadNotificationCount} recounted in the same revision as
 * every change so the UI badge is always exact.
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
  private static final String STORE = "notifications";

  private final PatchDb db;
  private final Clock clock;

  public Notifications(PatchDb db) {
    this(db, Clock.systemUTC());
  }

  Notifications(PatchDb db, Clock clock) {
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
    return db.mutate(
            root -> {
              ObjectNode store = store(root);
              long id = byId(store).isEmpty() ? 0 : byId(store).lastKey() + 1;
              ObjectNode entry = JSON.createObjectNode();
              if (draft.packageId().isPresent()) {
                entry.put("packageId", draft.packageId().get());
              } else {
                entry.putNull("packageId");
              }
              entry.put("createdAt", now.toString());
              entry.put("code", draft.code());
              entry.put("level", draft.level().wire());
              entry.put("title", draft.title());
              entry.put("message", draft.message());
              entry.set("data", draft.data().deepCopy());
              entry.put("seen", false);
              draft.packageId().ifPresent(pkg -> dropOldestOf(store, pkg, MAX_PER_PACKAGE - 1));
              store.set(Long.toString(id), entry);
              recount(root);
              return id;
            })
        .result();
  }

  /** Newest first; {@code before} excludes ids at or above it. */
  JsonNode list(JsonNode params) {
    Optional<Long> before = optionalId(params, "before");
    int limit =
        (int) Math.min(Integer.MAX_VALUE, optionalId(params, "limit").orElse((long) DEFAULT_LIMIT));
    ObjectNode store =
        (ObjectNode)
            db.get("/private/" + STORE)
                .filter(JsonNode::isObject)
                .orElseGet(JSON::createObjectNode);
    NavigableMap<Long, JsonNode> entries = byId(store);
    if (before.isPresent()) {
      entries = entries.headMap(before.get(), false);
    }
    ArrayNode out = JSON.createArrayNode();
    for (Map.Entry<Long, JsonNode> e : entries.descendingMap().entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      ObjectNode withId = JSON.createObjectNode().put("id", e.getKey());
      withId.setAll((ObjectNode) e.getValue());
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
    List<Long> ids = ids(params);
    return change(
        ids, (store, id) -> ((ObjectNode) store.get(Long.toString(id))).put("seen", seen));
  }

  /** Marks every notification with id up to and including {@code before} as seen (as StartOS). */
  JsonNode markSeenBefore(JsonNode params) {
    long before = requiredId(params, "before");
    db.mutate(root -> {
      ObjectNode store = store(root);
      byId(store).headMap(before, true).values().forEach(n -> ((ObjectNode) n).put("seen", true));
      recount(root);
      return null;
    });
    return NullNode.getInstance();
  }

  JsonNode remove(JsonNode params) {
    return change(ids(params), (store, id) -> store.remove(Long.toString(id)));
  }

  /** Removes every notification with id below {@code before}. */
  JsonNode removeBefore(JsonNode params) {
    long before = requiredId(params, "before");
    db.mutate(root -> {
      ObjectNode store = store(root);
      byId(store).headMap(before, false).keySet().forEach(id -> store.remove(Long.toString(id)));
      recount(root);
      return null;
    });
    return NullNode.getInstance();
  }

  /** Applies {@code action} to each id after checking all exist, so a bad id changes nothing. */
  private JsonNode change(List<Long> ids, BiConsumer<ObjectNode, Long> action) {
    db.mutate(root -> {
      ObjectNode store = store(root);
      TreeSet<Long> missing = new TreeSet<>();
      for (long id : ids) {
        if (!store.has(Long.toString(id))) {
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
      ids.forEach(id -> action.accept(store, id));
      recount(root);
      return null;
    });
    return NullNode.getInstance();
  }

  private static void dropOldestOf(ObjectNode store, String packageId, int keep) {
    List<Long> ids = new ArrayList<>();
    byId(store)
        .forEach((id, n) -> {
          if (packageId.equals(n.path("packageId").asText(null))) {
            ids.add(id);
          }
        });
    for (int i = 0; i < ids.size() - keep; i++) {
      store.remove(Long.toString(ids.get(i)));
    }
  }

  private static ObjectNode store(ObjectNode root) {
    ObjectNode priv = objectAt(root, "private");
    return objectAt(priv, STORE);
  }

  private static ObjectNode objectAt(ObjectNode parent, String field) {
    return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
  }

  /** Entries by numeric id; keys that are not ids (none are written) are skipped. */
  private static NavigableMap<Long, JsonNode> byId(ObjectNode store) {
    TreeMap<Long, JsonNode> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : store.properties()) {
      try {
        out.put(Long.parseLong(e.getKey()), e.getValue());
      } catch (NumberFormatException ignored) {
        // not a notification id
      }
    }
    return out;
  }

  private static void recount(ObjectNode root) {
    long unread = 0;
    for (JsonNode n : byId(store(root)).values()) {
      if (!n.path("seen").asBoolean(true)) {
        unread++;
      }
    }
    objectAt(objectAt(root, "public"), "serverInfo").put("unreadNotificationCount", unread);
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
