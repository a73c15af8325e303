package startos.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import startos.http.ConnectionClosedException;
import startos.http.Continuations;
import startos.http.WsConnection;
import startos.http.WsContinuation;
import startos.patchdb.Dump;
import startos.patchdb.JsonPatches;
import startos.patchdb.PatchDb;
import startos.patchdb.PatchDbException;
import startos.patchdb.Revision;
import startos.patchdb.Subscription;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;

/** The {@code db.*} methods: dump, subscribe (with its WebSocket), put.ui and apply. */
public final class DbMethods {
  private static final String UI = "/public/ui";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(250);

  private final PatchDb db;
  private final Continuations continuations;

  public DbMethods(PatchDb db, Continuations continuations) {
    this.db = db;
    this.continuations = continuations;
  }

  public void register(RpcRouter router) {
    router.register("db.dump", this::dump);
    router.register("db.subscribe", this::subscribe);
    router.register("db.put.ui", this::putUi);
    router.register("db.apply", this::apply);
  }

  /**
   * Public data for everyone with a session; the whole document (keys, password hash) only for the
   * local CLI on the server itself ({@code start-cli db dump -p}), which is root there anyway.
   */
  private JsonNode dump(JsonNode raw, Caller caller) {
    Params params = Params.of(raw);
    String pointer =
        caller.local()
            ? Pointers.anyPointer(
                "pointer", params.optionalString("pointer").orElse(Pointers.PUBLIC))
            : pointer(params);
    return dumpJson(db.dump(pointer));
  }

  /** Result {@code {dump: {id, value}, guid}}; the guid opens the revision stream. */
  private JsonNode subscribe(JsonNode raw, Caller caller) {
    String pointer = pointer(Params.of(raw));
    Subscription subscription = db.subscribe(pointer);
    String guid = continuations.addWebSocket(caller.sessionId(), new RevisionStream(subscription));
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.set("dump", dumpJson(subscription.initial()));
    result.put("guid", guid);
    return result;
  }

  private JsonNode putUi(JsonNode raw, Caller caller) {
    Params params = Params.of(raw);
    String pointer = Pointers.parse("pointer", params.string("pointer"));
    JsonNode value = params.value("value");
    List<String> tokens = Pointers.tokens(pointer);
    db.mutate(root -> {
      ObjectNode parent = objectAt(objectAt(root, "public"), "ui");
      if (tokens.isEmpty()) {
        ((ObjectNode) root.get("public")).set("ui", value);
        return null;
      }
      JsonNode node = parent;
      for (int i = 0; i < tokens.size() - 1; i++) {
        node = step(node, tokens.get(i), pointer);
      }
      String last = tokens.getLast();
      switch (node) {
        case ObjectNode object -> object.set(last, value);
        case ArrayNode array -> array.set(index(array, last, pointer, true), value);
        default ->
            throw ProtocolException.invalidParams(
                "cannot write /public/ui%s: its parent is not an object or array"
                    .formatted(pointer));
      }
      return null;
    });
    return NullNode.getInstance();
  }

  /**
   * Applies an RFC 6902 patch. A remote session may only change {@code /public/ui} (what StartOS's
   * UI writes; everything else has its own method that checks its input), so it can neither read
   * private data through {@code test}/{@code copy} nor write keys, sessions or package entries. The
   * local CLI (root on the server) may change anything, as long as the result still fits the model
   * ({@link DbModel}).
   */
  private JsonNode apply(JsonNode raw, Caller caller) {
    JsonNode expr = Params.of(raw).value("expr");
    if (!(expr instanceof ArrayNode patch)) {
      throw ProtocolException.invalidParams(
          "parameter 'expr' must be a JSON Patch (an array of operations), got "
              + Params.describe(expr));
    }
    if (!caller.local()) {
      for (JsonNode op : patch) {
        for (String field : List.of("path", "from")) {
          JsonNode pointer = op.path(field);
          if (pointer.isTextual() && !isUnderUi(pointer.asText())) {
            // not Authorization (34): StartOS's UI logs out on that
            throw new RpcException(
                ErrorKind.INVALID_REQUEST,
                "db.apply over a session may only change %s (got %s '%s'); other data changes through its own methods, or with start-cli on the server itself"
                    .formatted(UI, field, pointer.asText()));
          }
        }
      }
    }
    try {
      db.mutate(root -> {
        JsonNode patched = JsonPatches.apply(root, patch);
        DbModel.check(root, patched);
        root.removeAll();
        root.setAll((ObjectNode) patched);
        return null;
      });
    } catch (PatchDbException e) {
      throw new RpcException(
          ErrorKind.DATABASE, "the patch was not applied (nothing changed): " + e.getMessage(), e);
    }
    return NullNode.getInstance();
  }

  private static boolean isUnderUi(String pointer) {
    List<String> tokens = Pointers.tokens(Pointers.parse("path", pointer));
    return tokens.size() >= 2 && tokens.get(0).equals("public") && tokens.get(1).equals("ui");
  }

  private static String pointer(Params params) {
    return Pointers.publicPointer(
        "pointer", params.optionalString("pointer").orElse(Pointers.PUBLIC));
  }

  static ObjectNode dumpJson(Dump dump) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("id", dump.id());
    out.set("value", dump.value());
    return out;
  }

  private static ObjectNode objectAt(ObjectNode parent, String name) {
    if (parent.get(name) instanceof ObjectNode existing) {
      return existing;
    }
    return parent.putObject(name);
  }

  private static JsonNode step(JsonNode node, String token, String pointer) {
    return switch (node) {
      case ObjectNode object -> {
        JsonNode next = object.get(token);
        yield next instanceof ObjectNode || next instanceof ArrayNode
            ? next
            : object.putObject(token);
      }
      case ArrayNode array -> array.get(index(array, token, pointer, false));
      default ->
          throw ProtocolException.invalidParams(
              "cannot write /public/ui%s: a value on the way is not an object".formatted(pointer));
    };
  }

  private static int index(ArrayNode array, String token, String pointer, boolean allowEnd) {
    int size = array.size();
    if (allowEnd && token.equals("-")) {
      array.addNull();
      return size;
    }
    try {
      int i = Integer.parseInt(token);
      if (i >= 0 && (i < size || (allowEnd && i == size))) {
        if (i == size) {
          array.addNull();
        }
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ProtocolException.invalidParams(
        "cannot write /public/ui%s: '%s' is not an index of an array of %d"
            .formatted(pointer, token, size));
  }

  /**
   * Frame texts of recent revisions by (pointer, id): every subscriber of a pointer gets the same
   * scoped patch for a revision id, so it is serialized once rather than once per socket, even when
   * subscribers lag at different ids.
   */
  private record FrameKey(String pointer, long id, boolean empty) {}

  private static final int FRAME_CACHE_SIZE = 4096;
  private final ConcurrentHashMap<FrameKey, String> frames = new ConcurrentHashMap<>();

  private String frameText(String pointer, Revision revision) throws JsonProcessingException {
    FrameKey key = new FrameKey(pointer, revision.id(), revision.patch().isEmpty());
    String cached = frames.get(key);
    if (cached != null) {
      return cached;
    }
    ObjectNode frame = JsonNodeFactory.instance.objectNode();
    frame.put("id", revision.id());
    frame.set("patch", revision.patch());
    String text = MAPPER.writeValueAsString(frame);
    if (frames.size() >= FRAME_CACHE_SIZE) {
      long horizon = revision.id() - FRAME_CACHE_SIZE / 2;
      frames.keySet().removeIf(k -> k.id() < horizon);
      if (frames.size() >= FRAME_CACHE_SIZE) {
        frames.clear();
      }
    }
    frames.put(key, text);
    return text;
  }

  /** Sends one text frame {@code {id, patch}} per scoped revision until the socket closes. */
  private final class RevisionStream implements WsContinuation {
    private final Subscription subscription;

    RevisionStream(Subscription subscription) {
      this.subscription = subscription;
    }

    @Override
    public void run(WsConnection connection) throws Exception {
      connection.onClose(subscription::close);
      try {
        while (connection.isOpen() && !subscription.isClosed()) {
          Optional<Revision> revision = subscription.poll(POLL);
          if (revision.isPresent()) {
            connection.send(frameText(subscription.pointer(), revision.get()));
          }
        }
      } catch (ConnectionClosedException | PatchDbException e) {
        // the client left or the subscription was closed under us: nothing to report
      } finally {
        subscription.close();
      }
    }

    @Override
    public void discard() {
      subscription.close();
    }
  }
}
