package startos.s9pk.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the official SDK's S9PK reader ({@code test-tools/sdk-compat/s9pk-verify.mjs}) on jobs. */
public final class SdkVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SdkVerifier() {}

  /** One result line per job in {@code jobsFile}, in order. */
  public static List<JsonNode> run(Path jobsFile) throws Exception {
    Process node =
        new ProcessBuilder("node", "s9pk-verify.mjs", jobsFile.toString())
            .directory(SdkReaderCompatTest.SDK_DIR.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(node.getInputStream().readAllBytes());
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(out).isZero();
    List<JsonNode> results = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        results.add(JSON.readTree(line));
      }
    }
    return results;
  }
}
