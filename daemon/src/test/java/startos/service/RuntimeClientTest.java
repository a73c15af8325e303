package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * service.sock lies in the package's directory: a symlink there must never make startd talk to a
 * host socket. The canary is a host socket the test listens on (as root, outside every package).
 */
class RuntimeClientTest {
  private static final ServiceSettings.IdRange PACKAGE_IDS =
      new ServiceSettings.IdRange(100_000, 65_536);

  @TempDir Path dir;
  private ServerSocketChannel canary;
  private Path rpc;

  @BeforeEach
  void setUp() throws IOException {
    canary = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    canary.bind(UnixDomainSocketAddress.of(dir.resolve("host-daemon.sock")));
    canary.configureBlocking(false);
    rpc = Files.createDirectories(dir.resolve("rpc"));
  }

  @AfterEach
  void tearDown() throws IOException {
    canary.close();
  }

  @Test
  void serviceSockSymlinkToAHostSocketIsNeverConnected() throws IOException {
    Files.createSymbolicLink(rpc.resolve("service.sock"), dir.resolve("host-daemon.sock"));

    assertThatThrownBy(() ->
            RuntimeClient.connect(
                "evil",
                rpc.resolve("service.sock"),
                PACKAGE_IDS::contains,
                Duration.ofMillis(300),
                c -> {}))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("did not listen on service.sock")
        .hasMessageContaining("is not a socket");
    assertThat(canary.accept()).as("a connection reached the host socket").isNull();
  }

  @Test
  void aSocketServedByAHostProcessIsRefusedBeforeAnythingIsSent() throws IOException {
    // a real socket in the package's directory, but the process behind it is the host's root
    try (ServerSocketChannel impostor = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      impostor.bind(UnixDomainSocketAddress.of(rpc.resolve("service.sock")));

      assertThatThrownBy(() ->
              RuntimeClient.connect(
                  "evil",
                  rpc.resolve("service.sock"),
                  PACKAGE_IDS::contains,
                  Duration.ofSeconds(5),
                  c -> {}))
          .isInstanceOf(RpcException.class)
          .satisfies(e -> assertThat(((RpcException) e).kind()).isEqualTo(ErrorKind.AUTHORIZATION))
          .hasMessage(
              "service.sock of evil leads to a process of uid 0, not into its container; refusing"
                  + " to talk to it");
      try (SocketChannel accepted = impostor.accept()) {
        assertThat(accepted.read(ByteBuffer.allocate(64)))
            .as("bytes sent to the impostor")
            .isEqualTo(-1);
      }
    }
  }

  /** The runtime's end of a connection, and the client startd holds on the other. */
  private record Pair(SocketChannel runtime, RuntimeClient client) {}

  private Pair pair() throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(rpc.resolve("runtime.sock")));
      SocketChannel host = SocketChannel.open(StandardProtocolFamily.UNIX);
      host.connect(UnixDomainSocketAddress.of(rpc.resolve("runtime.sock")));
      return new Pair(server.accept(), RuntimeClient.over("slow", host));
    }
  }

  private static String readLine(SocketChannel ch) throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (true) {
      one.clear();
      if (ch.read(one) < 0) {
        throw new IOException("closed");
      }
      char c = (char) one.get(0);
      if (c == '\n') {
        return line.toString();
      }
      line.append(c);
    }
  }

  /** Blocks until {@code t} waits (for the runtime's answer), so nothing depends on timing. */
  private static void awaitBlocked(Thread t) throws InterruptedException {
    while (t.getState() != Thread.State.WAITING) {
      assertThat(t.isAlive()).as("the caller gave up before the runtime answered").isTrue();
      Thread.sleep(10);
    }
  }

  @Test
  void initWaitsForTheRuntimeHoweverLongItsMigrationTakes() throws Exception {
    Pair p = pair();
    try (RuntimeClient client = p.client()) {
      var result = new java.util.concurrent.CompletableFuture<String>();
      Thread caller =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  result.complete(
                      client.callUntilAnswered("init", RuntimeClient.JSON.nullNode()).asText());
                } catch (RuntimeException e) {
                  result.completeExceptionally(e);
                }
              });
      String request = readLine(p.runtime());
      assertThat(RuntimeClient.JSON.readTree(request).path("method").asText()).isEqualTo("init");
      // the caller has no deadline: it waits, without a timed park, until the answer comes
      awaitBlocked(caller);
      long id = RuntimeClient.JSON.readTree(request).path("id").asLong();
      p.runtime()
          .write(
              ByteBuffer.wrap(
                  ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"migrated\"}\n")
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(result.get()).isEqualTo("migrated");
    } finally {
      p.runtime().close();
    }
  }

  @Test
  void closingTheConnectionEndsAPendingInitAsCancelInstallDoes() throws Exception {
    Pair p = pair();
    try (RuntimeClient client = p.client()) {
      var failure = new java.util.concurrent.CompletableFuture<RuntimeException>();
      Thread caller =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  client.callUntilAnswered("init", RuntimeClient.JSON.nullNode());
                  failure.completeExceptionally(new AssertionError("init returned"));
                } catch (RuntimeException e) {
                  failure.complete(e);
                }
              });
      readLine(p.runtime());
      awaitBlocked(caller);
      client.close(); // what ServiceContainer.abort() does on cancel-install or shutdown
      assertThat(failure.get())
          .isInstanceOf(RpcException.class)
          .hasMessage("slow: lost the connection to the container runtime during init");
    } finally {
      p.runtime().close();
    }
  }
}
