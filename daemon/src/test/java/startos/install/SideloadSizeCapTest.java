package startos.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.RunningDaemon;
import startos.http.WsClient;

/**
 * A sideload larger than startd's cap ({@code --max-sideload-size}) is refused with a sentence
 * naming the cap, whether the client announces its size or streams without one, and nothing it sent
 * stays on disk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class SideloadSizeCapTest {
  private static final long CAP = 64 << 10;

  @TempDir static Path dir;
  private RunningDaemon daemon;
  private String cookie;

  @BeforeAll
  void setUp() {
    daemon =
        RunningDaemon.start(
                RunningDaemon.config(dir.resolve("data")).withMaxSideloadSize(Optional.of(CAP)))
            .completeSetup();
    cookie = daemon.login();
  }

  @AfterAll
  void tearDown() {
    if (daemon != null) {
      daemon.close();
    }
  }

  private JsonNode sideload() {
    JsonNode r = daemon.call("package.sideload", "{}", Optional.of(cookie));
    assertThat(r.has("error")).as(r.toString()).isFalse();
    return r.path("result");
  }

  private HttpResponse<String> upload(JsonNode guids, HttpRequest.BodyPublisher body)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(daemon.base() + "/rest/rpc/" + guids.path("upload").asText()))
                .header("Cookie", cookie)
                .timeout(Duration.ofSeconds(30))
                .POST(body)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private Path tmp() {
    return dir.resolve("data/tmp");
  }

  private long filesIn(Path d) throws IOException {
    if (!Files.isDirectory(d)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(d)) {
      return files.count();
    }
  }

  @Test
  void anUploadAnnouncedLargerThanTheCapIsRefusedBeforeAnythingIsWritten() throws Exception {
    JsonNode guids = sideload();
    WsClient progress = WsClient.connect(daemon.ws(guids.path("progress").asText()));
    byte[] body = new byte[(int) CAP * 2];
    HttpResponse<String> r = upload(guids, HttpRequest.BodyPublishers.ofByteArray(body));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body())
        .contains("the package is 128.0 KiB, more than the 64.0 KiB a sideload may upload")
        .contains("--max-sideload-size");
    assertThat(progress.closed.get(10, TimeUnit.SECONDS)).contains("a sideload may upload");
    assertThat(filesIn(tmp())).isZero();
  }

  @Test
  void anUploadStreamedPastTheCapWithoutASizeStopsAtTheCapAndLeavesNothing() throws Exception {
    JsonNode guids = sideload();
    // no Content-Length: the client streams (chunked) four times the cap
    InputStream endless = new ByteArrayInputStream(new byte[(int) CAP * 4]);
    HttpResponse<String> r = upload(guids, HttpRequest.BodyPublishers.ofInputStream(() -> endless));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("the upload went past 64.0 KiB, the most a sideload may upload");
    assertThat(filesIn(tmp())).isZero();
  }

  @Test
  void anUploadWithinTheCapIsTakenAndJudgedAsAPackage() throws Exception {
    JsonNode guids = sideload();
    WsClient progress = WsClient.connect(daemon.ws(guids.path("progress").asText()));
    HttpResponse<String> r =
        upload(guids, HttpRequest.BodyPublishers.ofByteArray("not an s9pk".getBytes()));
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(progress.closed.get(30, TimeUnit.SECONDS)).containsIgnoringCase("s9pk");
  }
}
