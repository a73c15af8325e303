package startos.patchdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static startos.patchdb.Json.json;
import static startos.patchdb.Json.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PatchDbTest {
  private static final Duration NOW = Duration.ZERO;

  @Test
  void aNewDatabaseIsEmptyPublicAndPrivateAtRevisionZero() {
    try (PatchDb db = PatchDb.inMemory()) {
      assertThat(db.sequence()).isZero();
      assertThat(db.dump("")).isEqualTo(new Dump(0, json("{'public':{},'private':{}}")));
      assertThat(db.dump("/public/nothing/here")).isEqualTo(new Dump(0, json("null")));
      assertThat(db.get("/public/nothing")).isEmpty();
    }
  }

  @Test
  void eachChangingMutationCommitsItsDiffAsTheNextRevision() {
    try (PatchDb db = PatchDb.inMemory()) {
      Mutation<String> first =
          db.mutate(root -> {
            ((ObjectNode) root.get("public")).put("name", "adjective-noun");
            return "done";
          });
      assertThat(first.result()).isEqualTo("done");
      assertThat(first.sequence()).isEqualTo(1);
      assertThat(first.revision())
          .contains(
              new Revision(
                  1, patch("[{'op':'add','path':'/public/name','value':'adjective-noun'}]")));
      Mutation<Void> second =
          db.mutate(root -> {
            ((ObjectNode) root.get("public")).put("name", "adjective-noun");
            return null;
          });
      assertThat(second.revision()).as("an empty diff commits nothing").isEmpty();
      assertThat(second.sequence()).isEqualTo(1);
      assertThat(db.sequence()).isEqualTo(1);
      assertThat(db.get("/public/name")).contains(json("'adjective-noun'"));
    }
  }

  @Test
  void aThrowingChangeLeavesTheDatabaseUntouchedAndPropagates() {
    try (PatchDb db = PatchDb.inMemory()) {
      IllegalStateException boom = new IllegalStateException("boom");
      assertThatThrownBy(() ->
              db.mutate(root -> {
                root.put("junk", 1);
                throw boom;
              }))
          .isSameAs(boom);
      assertThat(db.dump("")).isEqualTo(new Dump(0, json("{'public':{},'private':{}}")));
    }
  }

  @Test
  void readersGetCopiesNotTheLiveDocument() {
    try (PatchDb db = PatchDb.inMemory()) {
      ((ObjectNode) db.dump("").value().get("public")).put("sneaky", true);
      ((ObjectNode) db.get("/public").orElseThrow()).put("sneaky", true);
      assertThat(db.get("/public/sneaky")).isEmpty();
    }
  }

  @Test
  void applyRunsAllSixOpsButStoresTheDiff() {
    try (PatchDb db = PatchDb.inMemory()) {
      Mutation<Void> applied =
          db.apply(
              patch(
                  "[{'op':'add','path':'/public/a','value':{'x':1}},"
                      + "{'op':'copy','from':'/public/a','path':'/public/b'},"
                      + "{'op':'move','from':'/public/b','path':'/public/c'},"
                      + "{'op':'test','path':'/public/c/x','value':1},"
                      + "{'op':'replace','path':'/public/a/x','value':2},"
                      + "{'op':'remove','path':'/public/a'}]"));
      assertThat(applied.revision().orElseThrow().patch())
          .isEqualTo(patch("[{'op':'add','path':'/public/c','value':{'x':1}}]"));
      assertThat(db.dump("/public").value()).isEqualTo(json("{'c':{'x':1}}"));
    }
  }

  @Test
  void anInvalidPatchFailsWithItsReasonAndChangesNothing() {
    try (PatchDb db = PatchDb.inMemory()) {
      assertThatThrownBy(() ->
              db.apply(
                  patch(
                      "[{'op':'add','path':'/public/a','value':1},"
                          + "{'op':'remove','path':'/public/zzz'}]")))
          .isInstanceOf(PatchDbException.class)
          .hasMessageContaining("patch operation 1 (remove '/public/zzz')")
          .hasMessageContaining("does not exist");
      assertThatThrownBy(() -> db.apply(patch("[{'op':'replace','path':'','value':[]}]")))
          .isInstanceOf(PatchDbException.class)
          .hasMessageContaining("replace the root object with ARRAY");
      assertThat(db.sequence()).isZero();
      assertThat(db.dump("").value()).isEqualTo(json("{'public':{},'private':{}}"));
    }
  }

  @Test
  void replacingTheRootWithAnotherObjectIsAllowed() {
    try (PatchDb db = PatchDb.inMemory()) {
      db.apply(patch("[{'op':'replace','path':'','value':{'public':{'v':1},'private':{}}}]"));
      assertThat(db.dump("").value()).isEqualTo(json("{'public':{'v':1},'private':{}}"));
    }
  }

  @Test
  void mutatingFromInsideAChangeIsRefused() {
    try (PatchDb db = PatchDb.inMemory()) {
      assertThatThrownBy(() -> db.mutate(root -> db.mutate(inner -> null)))
          .isInstanceOf(PatchDbException.class)
          .hasMessageContaining("inside a change function");
    }
  }

  @Test
  void concurrentWritersAreSerializedAndNoIncrementIsLost() throws Exception {
    try (PatchDb db = PatchDb.inMemory()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            pool.submit(() -> {
              for (int i = 0; i < 250; i++) {
                db.mutate(root -> {
                  ObjectNode pub = (ObjectNode) root.get("public");
                  pub.put("n", pub.path("n").asInt() + 1);
                  return null;
                });
              }
            }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(db.get("/public/n")).contains(json("1000"));
      assertThat(db.sequence()).isEqualTo(1000);
    }
  }

  @Test
  void readersNeverSeeAHalfAppliedMutation() throws Exception {
    try (PatchDb db = PatchDb.inMemory()) {
      Thread writer =
          Thread.ofPlatform()
              .start(() -> {
                for (int i = 1; i <= 2000; i++) {
                  int value = i;
                  db.mutate(root -> {
                    ObjectNode pub = (ObjectNode) root.get("public");
                    pub.put("a", value);
                    pub.put("b", value);
                    return null;
                  });
                }
              });
      long lastId = 0;
      while (writer.isAlive() || lastId < 2000) {
        Dump dump = db.dump("/public");
        assertThat(dump.value().path("a")).isEqualTo(dump.value().path("b"));
        assertThat(dump.value().path("a").asLong()).isEqualTo(dump.id());
        assertThat(dump.id()).isGreaterThanOrEqualTo(lastId);
        lastId = dump.id();
      }
      writer.join();
    }
  }

  @Test
  void subscribersGetScopedRevisionsAndNothingForUnrelatedChanges() throws Exception {
    try (PatchDb db = PatchDb.inMemory()) {
      Subscription ui = db.subscribe("/public/ui");
      assertThat(ui.pointer()).isEqualTo("/public/ui");
      assertThat(ui.initial()).isEqualTo(new Dump(0, json("null")));
      db.apply(patch("[{'op':'add','path':'/private/secret','value':1}]"));
      db.apply(patch("[{'op':'add','path':'/public/ui','value':{'theme':'dark'}}]"));
      db.apply(patch("[{'op':'replace','path':'/public/ui/theme','value':'light'}]"));
      assertThat(ui.poll(NOW))
          .contains(new Revision(2, patch("[{'op':'add','path':'','value':{'theme':'dark'}}]")));
      assertThat(ui.poll(NOW))
          .contains(new Revision(3, patch("[{'op':'replace','path':'/theme','value':'light'}]")));
      assertThat(ui.poll(NOW)).isEmpty();
    }
  }

  @Test
  void nudgeGivesIdleSubscribersAnEmptyRevisionAtTheCurrentId() throws Exception {
    try (PatchDb db = PatchDb.inMemory()) {
      Subscription idle = db.subscribe("/public/a");
      Subscription busy = db.subscribe("/public/b");
      db.apply(patch("[{'op':'add','path':'/public/b','value':1}]"));
      db.nudge();
      assertThat(idle.poll(NOW)).contains(new Revision(1, patch("[]")));
      assertThat(busy.poll(NOW))
          .contains(new Revision(1, patch("[{'op':'add','path':'','value':1}]")));
      assertThat(busy.poll(NOW)).as("it had a revision pending, so no empty one").isEmpty();
    }
  }

  @Test
  void closingASubscriptionWakesABlockedPollAndStopsDelivery() throws Exception {
    try (PatchDb db = PatchDb.inMemory()) {
      Subscription sub = db.subscribe("");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<Optional<Revision>> waiting = pool.submit(() -> sub.poll(Duration.ofSeconds(30)));
      Thread.sleep(100);
      long started = System.nanoTime();
      sub.close();
      sub.close();
      assertThat(waiting.get(5, TimeUnit.SECONDS)).isEmpty();
      assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
      assertThat(sub.isClosed()).isTrue();
      db.apply(patch("[{'op':'add','path':'/public/a','value':1}]"));
      assertThat(sub.poll(NOW)).isEmpty();
      pool.shutdown();
    }
  }

  @Test
  void closingTheDatabaseClosesSubscriptionsAndRefusesWrites() {
    PatchDb db = PatchDb.inMemory();
    Subscription sub = db.subscribe("/public");
    db.close();
    db.close();
    assertThat(sub.isClosed()).isTrue();
    assertThatThrownBy(() -> db.mutate(root -> null))
        .isInstanceOf(PatchDbException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void revisionsAndDumpsSerializeInTheStartOsWireForm() throws Exception {
    try (PatchDb db = PatchDb.inMemory()) {
      Revision revision =
          db.apply(patch("[{'op':'add','path':'/public/a','value':1}]")).revision().orElseThrow();
      assertThat(Json.MAPPER.writeValueAsString(revision))
          .isEqualTo("{\"id\":1,\"patch\":[{\"op\":\"add\",\"path\":\"/public/a\",\"value\":1}]}");
      assertThat(Json.MAPPER.writeValueAsString(db.dump("/public")))
          .isEqualTo("{\"id\":1,\"value\":{\"a\":1}}");
      assertThat(Json.MAPPER.readValue("{\"id\":1,\"value\":{\"a\":1}}", Dump.class))
          .isEqualTo(db.dump("/public"));
    }
  }

  @Test
  void badPointersAreRejected() {
    try (PatchDb db = PatchDb.inMemory()) {
      assertThatThrownBy(() -> db.subscribe("public")).isInstanceOf(PatchDbException.class);
      assertThatThrownBy(() -> db.dump("x")).isInstanceOf(PatchDbException.class);
      assertThatThrownBy(() -> db.get("/~9")).isInstanceOf(PatchDbException.class);
    }
  }

  @Test
  void initialDumpPlusReceivedPatchesEqualsAFreshDumpForRandomMutations() throws Exception {
    List<String> pointers =
        List.of(
            "",
            "/public",
            "/public/a",
            "/public/a/0",
            "/public/b/c",
            "/private",
            "/public/x~1y",
            "/public/missing/deep",
            "/public/a/1/d");
    for (long seed = 1; seed <= 5; seed++) {
      Random random = new Random(seed);
      try (PatchDb db = PatchDb.inMemory()) {
        List<Subscription> subs = new ArrayList<>();
        List<JsonNode> views = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int step = 0; step < 300; step++) {
          if (step % 60 == 0) {
            for (String pointer : pointers) {
              Subscription sub = db.subscribe(pointer);
              subs.add(sub);
              views.add(sub.initial().value());
              ids.add(sub.initial().id());
            }
          }
          db.mutate(root -> {
            JsonNode pub = Json.edit(random, root.get("public"), 1 + random.nextInt(3));
            root.set("public", pub.isObject() ? pub : Json.randomObject(random, 3));
            if (random.nextInt(10) == 0) {
              root.set("private", Json.randomObject(random, 2));
            }
            return null;
          });
          if (step % 37 == 0) {
            db.nudge();
          }
        }
        for (int i = 0; i < subs.size(); i++) {
          Subscription sub = subs.get(i);
          JsonNode view = views.get(i);
          long last = ids.get(i);
          for (Optional<Revision> next = sub.poll(NOW); next.isPresent(); next = sub.poll(NOW)) {
            Revision revision = next.get();
            assertThat(revision.id()).isGreaterThanOrEqualTo(last);
            if (!revision.patch().isEmpty()) {
              assertThat(revision.id()).isGreaterThan(last);
            }
            last = revision.id();
            view = JsonPatches.apply(view, revision.patch());
          }
          assertThat(JsonPatches.equal(view, db.dump(sub.pointer()).value()))
              .as("seed %d, pointer '%s'", seed, sub.pointer())
              .isTrue();
        }
      }
    }
  }
}
