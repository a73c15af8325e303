package startos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import startos.auth.Passwords;
import startos.container.HostNamespace;
import startos.container.Subnet;
import startos.daemon.Config;
import startos.daemon.Startd;

/**
 * {@code bin/bench fanout [--subscribers N] [--revisions N] [--interval-ms N]}: an in-process
 * startd on loopback, N WebSocket subscribers on /public, then small DB commits; prints
 * commit-to-receive latency per subscriber per revision (p50/p99/max) and delivery throughput.
 */
public final class FanoutBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "fanout-bench-password";

  private FanoutBench() {}

  public static void main(String[] args) throws Exception {
    int subscribers = 100;
    int revisions = 2000;
    int warmup = 500;
    int intervalMs = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--subscribers" -> subscribers = Integer.parseInt(args[++i]);
        case "--revisions" -> revisions = Integer.parseInt(args[++i]);
        case "--interval-ms" -> intervalMs = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--help" -> {
          System.out.println(
              "usage: bin/bench fanout [--subscribers 100] [--revisions 2000] [--interval-ms 1]"
                  + " [--warmup 500]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dataDir = Files.createTempDirectory("fanout-bench");
    try (Startd startd =
        Startd.start(
            Config.of(dataDir, "127.0.0.1:0")
                // its own names: a benchmark must not tear down a running startd's containers
                .withContainers(
                    new HostNamespace(
                        "stfanbr0",
                        Subnet.parse("10.213.6.1/24"),
                        "startos_fan",
                        "startos-fan")))) {
      run(startd, subscribers, revisions, intervalMs, warmup);
    } finally {
      deleteTree(dataDir);
    }
  }

  private static void run(
      Startd startd, int subscriberCount, int revisions, int intervalMs, int warmup)
      throws Exception {
    String hash = Passwords.hash(PASSWORD);
    startd
        .db()
        .mutate(root -> {
          ObjectNode priv = (ObjectNode) root.get("private");
          priv.put("password", hash);
          priv.put("setupComplete", true);
          ((ObjectNode) root.get("public")).putObject("bench").put("counter", 0);
          return null;
        });
    HttpClient http = HttpClient.newHttpClient();
    URI rpc = URI.create("http://127.0.0.1:" + startd.port() + "/rpc/v1");
    String cookie = login(http, rpc);

    ConcurrentHashMap<Long, Long> committedAt = new ConcurrentHashMap<>();
    CountDownLatch allReceived = new CountDownLatch(subscriberCount);
    List<Subscriber> subscribers = new ArrayList<>();
    // warm-up revisions are delivered but not measured (JIT, class loading, first GCs)
    long lastId = startd.db().sequence() + warmup + revisions;
    for (int i = 0; i < subscriberCount; i++) {
      JsonNode result = call(http, rpc, cookie, "db.subscribe", "{}").get("result");
      Subscriber s = new Subscriber(committedAt, lastId, revisions, allReceived);
      s.socket =
          http.newWebSocketBuilder()
              .buildAsync(
                  URI.create(
                      "ws://127.0.0.1:" + startd.port() + "/ws/rpc/" + result.get("guid").asText()),
                  s)
              .get(10, TimeUnit.SECONDS);
      subscribers.add(s);
    }
    Thread.sleep(300); // let every socket's stream start
    for (int i = 1; i <= warmup; i++) {
      int value = -i;
      startd
          .db()
          .mutate(root -> {
            ((ObjectNode) root.get("public").get("bench")).put("counter", value);
            return null;
          });
      Thread.sleep(Math.max(1, intervalMs));
    }
    Thread.sleep(1000);
    System.gc();
    Thread.sleep(300);

    long start = System.nanoTime();
    for (int i = 1; i <= revisions; i++) {
      int value = i;
      long expectedId = startd.db().sequence() + 1;
      committedAt.put(expectedId, System.nanoTime());
      startd
          .db()
          .mutate(root -> {
            ((ObjectNode) root.get("public").get("bench")).put("counter", value);
            return null;
          });
      if (intervalMs > 0) {
        Thread.sleep(intervalMs);
      }
    }
    long committed = System.nanoTime();
    boolean complete = allReceived.await(120, TimeUnit.SECONDS);
    long end = System.nanoTime();

    long[] all =
        subscribers.stream().flatMapToLong(s -> Arrays.stream(s.latencies())).sorted().toArray();
    long frames = all.length;
    System.out.printf(
        "fanout: %d subscribers x %d revisions (interval %d ms, %d warm-up revisions)%s%n",
        subscriberCount,
        revisions,
        intervalMs,
        warmup,
        complete ? "" : " -- INCOMPLETE (timed out)");
    System.out.printf(
        "latency commit->receive: p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%d samples)%n",
        ms(percentile(all, 0.50)),
        ms(percentile(all, 0.99)),
        ms(all.length == 0 ? 0 : all[all.length - 1]),
        frames);
    System.out.printf(
        "commits: %.0f revisions/s; delivery: %.0f frames/s over %.2f s%n",
        revisions / seconds(committed - start),
        frames / seconds(end - start),
        seconds(end - start));
    Subscriber slowest =
        subscribers.stream().max(Comparator.comparingLong(Subscriber::maxLatency)).orElseThrow();
    System.out.printf("slowest subscriber max: %.2f ms%n", ms(slowest.maxLatency()));
    for (Subscriber s : subscribers) {
      s.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }

  private static String login(HttpClient http, URI rpc) throws Exception {
    HttpResponse<String> response =
        http.send(
            request(rpc, "auth.login", "{\"password\":\"" + PASSWORD + "\"}", ""),
            HttpResponse.BodyHandlers.ofString());
    String setCookie =
        response
            .headers()
            .firstValue("Set-Cookie")
            .orElseThrow(() -> new IllegalStateException("login failed: " + response.body()));
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static JsonNode call(
      HttpClient http, URI rpc, String cookie, String method, String params) throws Exception {
    return JSON.readTree(
        http.send(request(rpc, method, params, cookie), HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static HttpRequest request(URI rpc, String method, String params, String cookie) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(rpc)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}"
                        .formatted(method, params)));
    if (!cookie.isEmpty()) {
      b.header("Cookie", cookie);
    }
    return b.build();
  }

  /** One WebSocket subscriber recording the latency of each revision it receives. */
  private static final class Subscriber implements WebSocket.Listener {
    private final ConcurrentHashMap<Long, Long> committedAt;
    private final long lastId;
    private final long[] latencies;
    private final CountDownLatch done;
    private final StringBuilder partial = new StringBuilder();
    private int count;
    private long max;
    WebSocket socket;

    Subscriber(
        ConcurrentHashMap<Long, Long> committedAt, long lastId, int expected, CountDownLatch done) {
      this.committedAt = committedAt;
      this.lastId = lastId;
      this.latencies = new long[expected];
      this.done = done;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      long now = System.nanoTime();
      partial.append(data);
      if (last) {
        // cheap parse: the bench client must not be the bottleneck it measures
        String text = partial.toString();
        long id = idOf(text);
        Long at = committedAt.get(id);
        if (at != null && !text.contains("\"patch\":[]") && count < latencies.length) {
          long latency = now - at;
          latencies[count++] = latency;
          max = Math.max(max, latency);
        }
        if (id >= lastId) {
          done.countDown();
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    private static long idOf(String frame) {
      int i = frame.indexOf("\"id\":");
      if (i < 0) {
        throw new IllegalStateException("frame without id: " + frame);
      }
      i += 5;
      long id = 0;
      while (i < frame.length() && Character.isDigit(frame.charAt(i))) {
        id = id * 10 + (frame.charAt(i++) - '0');
      }
      return id;
    }

    long[] latencies() {
      return Arrays.copyOf(latencies, count);
    }

    long maxLatency() {
      return max;
    }
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
