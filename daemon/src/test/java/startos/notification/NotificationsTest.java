package startos.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import startos.model.Database;
import startos.patchdb.PatchDb;
import startos.rpc.Access;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;
import startos.setup.InitialDb;

class NotificationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Caller CALLER = Caller.anonymousLoopback();

  private PatchDb db;
  private Notifications notifications;

  @BeforeEach
  void threeNotifications() {
    db = PatchDb.inMemory();
    InitialDb.ensure(new Database(db));
    notifications =
        new Notifications(
            new Database(db), Clock.fixed(Instant.parse("2026-11-22T03:00:00Z"), ZoneOffset.UTC));
    create("info", "first");
    create("warning", "second");
    create("error", "third");
  }

  @Test
  void allMethodsAreRegisteredBehindASession() {
    RpcRouter router = new RpcRouter();
    notifications.register(router);
    assertThat(router.routes().keySet())
        .containsExactlyInAnyOrder(
            "notification.list",
            "notification.create",
            "notification.mark-seen",
            "notification.mark-seen-before",
            "notification.mark-unseen",
            "notification.remove",
            "notification.remove-before");
    assertThat(router.routes().values()).allMatch(r -> r.access() == Access.SESSION);
  }

  @Test
  void createdNotificationsGetIncreasingIdsAndCountAsUnread() {
    JsonNode list = notifications.list(JSON.createObjectNode());
    assertThat(ids(list)).containsExactly(2L, 1L, 0L);
    JsonNode newest = list.get(0);
    assertThat(newest.get("title").asText()).isEqualTo("third");
    assertThat(newest.get("level").asText()).isEqualTo("error");
    assertThat(newest.get("packageId").isNull()).isTrue();
    assertThat(newest.get("createdAt").asText()).isEqualTo("2026-11-22T03:00:00Z");
    assertThat(newest.get("code").asInt()).isZero();
    assertThat(newest.get("data").isNull()).isTrue();
    assertThat(newest.get("seen").asBoolean()).isFalse();
    assertThat(unread()).isEqualTo(3);
    assertThat(db.get("/private/notifications/1/title").orElseThrow().asText()).isEqualTo("second");
  }

  @Test
  void listPagesBackwardsWithBeforeAndLimit() {
    ObjectNode page = JSON.createObjectNode().put("before", 2).put("limit", 1);
    assertThat(ids(notifications.list(page))).containsExactly(1L);
    assertThat(ids(notifications.list(JSON.createObjectNode().put("limit", 2))))
        .containsExactly(2L, 1L);
    assertThat(ids(notifications.list(JSON.createObjectNode().put("before", 0)))).isEmpty();
  }

  @Test
  void markingSeenAndUnseenKeepsTheUnreadCountExact() {
    notifications.markSeen(idsParam(0, 2), true);
    assertThat(unread()).isEqualTo(1);
    assertThat(db.get("/private/notifications/0/seen").orElseThrow().asBoolean()).isTrue();
    notifications.markSeen(idsParam(0), false);
    assertThat(unread()).isEqualTo(2);
    notifications.markSeen(idsParam(2), false);
    assertThat(unread()).isEqualTo(3);
    // inclusive of "before", as StartOS does
    notifications.markSeenBefore(JSON.createObjectNode().put("before", 1));
    assertThat(unread()).isEqualTo(1);
    assertThat(db.get("/private/notifications/2/seen").orElseThrow().asBoolean()).isFalse();
  }

  @Test
  void removingDeletesAndRecounts() {
    notifications.remove(idsParam(1));
    assertThat(ids(notifications.list(JSON.createObjectNode()))).containsExactly(2L, 0L);
    assertThat(unread()).isEqualTo(2);
    notifications.removeBefore(JSON.createObjectNode().put("before", 2));
    assertThat(ids(notifications.list(JSON.createObjectNode()))).containsExactly(2L);
    assertThat(unread()).isEqualTo(1);
    create("success", "fourth");
    assertThat(ids(notifications.list(JSON.createObjectNode()))).containsExactly(3L, 2L);
  }

  @Test
  void unknownIdsAreNotFoundAndNothingChanges() {
    long sequence = db.sequence();
    for (var action :
        List.<Runnable>of(
            () -> notifications.markSeen(idsParam(0, 7), true),
            () -> notifications.markSeen(idsParam(9), false),
            () -> notifications.remove(idsParam(2, 8, 9)))) {
      assertThatThrownBy(action::run)
          .isInstanceOf(RpcException.class)
          .hasMessageMatching("notifications? #\\d.* (does|do) not exist")
          .extracting(e -> ((RpcException) e).kind())
          .isEqualTo(ErrorKind.NOT_FOUND);
    }
    assertThatThrownBy(() -> notifications.remove(idsParam(2, 8, 9)))
        .hasMessage("notifications #8, #9 do not exist");
    assertThat(db.sequence()).isEqualTo(sequence);
    assertThat(unread()).isEqualTo(3);
  }

  @Test
  void createValidatesItsParams() {
    assertThatThrownBy(() ->
            notifications.create(
                JSON.createObjectNode().put("level", "loud").put("title", "t").put("message", "m"),
                CALLER))
        .hasMessageContaining("invalid notification level 'loud'")
        .extracting(e -> ((RpcException) e).kind())
        .isEqualTo(ErrorKind.PARSE_DB_FIELD);
    assertThatThrownBy(() ->
            notifications.create(
                JSON.createObjectNode().put("level", "info").put("message", "m"), CALLER))
        .hasMessageContaining("missing required parameter 'title'");
    assertThatThrownBy(() -> notifications.markSeen(JSON.createObjectNode(), true))
        .hasMessageContaining("ids must be an array");
    assertThatThrownBy(() -> notifications.markSeen(idsParamRaw("[-1]"), true))
        .hasMessageContaining("non-negative integers");
    assertThatThrownBy(() -> notifications.removeBefore(JSON.createObjectNode()))
        .hasMessageContaining("missing field 'before'");
    assertThat(unread()).isEqualTo(3);
  }

  @Test
  void packageAndMarkdownDetailsAreStored() {
    ObjectNode params =
        JSON.createObjectNode()
            .put("package", "bitcoind")
            .put("level", "success")
            .put("title", "Updated")
            .put("message", "bitcoind was updated")
            .put("data", "## Release notes");
    notifications.create(params, CALLER);
    JsonNode newest = notifications.list(JSON.createObjectNode()).get(0);
    assertThat(newest.get("packageId").asText()).isEqualTo("bitcoind");
    assertThat(newest.get("code").asInt()).isEqualTo(2);
    assertThat(newest.get("data").asText()).isEqualTo("## Release notes");
  }

  @Test
  void otherComponentsNotifyThroughTheJavaApi() {
    long id =
        notifications.notify(Draft.forPackage("lnd", NotificationLevel.WARNING, "Low disk", "!"));
    assertThat(id).isEqualTo(3);
    assertThat(db.get("/private/notifications/3/packageId").orElseThrow().asText())
        .isEqualTo("lnd");
    assertThat(unread()).isEqualTo(4);
  }

  private void create(String level, String title) {
    notifications.create(
        JSON.createObjectNode().put("level", level).put("title", title).put("message", "msg"),
        CALLER);
  }

  @Test
  void aPackageNotifyingInALoopOnlyReplacesItsOwnOldestNotifications() {
    for (int i = 0; i < Notifications.MAX_PER_PACKAGE + 20; i++) {
      notifications.notify(
          new Draft(
              java.util.Optional.of("chatty"),
              NotificationLevel.INFO,
              "spam " + i,
              "",
              0,
              JSON.nullNode()));
    }

    JsonNode store = db.get("/private/notifications").orElseThrow();
    List<String> chatty = new ArrayList<>();
    store.forEach(n -> {
      if (n.path("packageId").asText("").equals("chatty")) {
        chatty.add(n.path("title").asText());
      }
    });
    assertThat(chatty)
        .hasSize(Notifications.MAX_PER_PACKAGE)
        .doesNotContain("spam 19")
        .contains("spam 20", "spam 119");
    assertThat(store.path("0").path("title").asText()).isEqualTo("first");
    assertThat(unread()).isEqualTo(3 + Notifications.MAX_PER_PACKAGE);
  }

  private long unread() {
    return db.get("/public/serverInfo/unreadNotificationCount").orElseThrow().asLong();
  }

  private static ObjectNode idsParam(long... ids) {
    ObjectNode params = JSON.createObjectNode();
    var array = params.putArray("ids");
    for (long id : ids) {
      array.add(id);
    }
    return params;
  }

  private static ObjectNode idsParamRaw(String json) {
    try {
      ObjectNode params = JSON.createObjectNode();
      params.set("ids", JSON.readTree(json));
      return params;
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<Long> ids(JsonNode list) {
    List<Long> out = new ArrayList<>();
    list.forEach(n -> out.add(n.get("id").asLong()));
    return out;
  }
}
