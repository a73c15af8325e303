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
}
