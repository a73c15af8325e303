package startos.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import startos.cli.RpcClient;

class PackageProgressTest {
  private static final List<String> SIDELOAD =
      List.of(
          "{\"overall\":null,\"phases\":[{\"name\":\"Uploading\",\"progress\":null},"
              + "{\"name\":\"Installing\",\"progress\":null}]}",
          "{\"overall\":false,\"phases\":[{\"name\":\"Uploading\",\"progress\":false},"
              + "{\"name\":\"Installing\",\"progress\":null}]}",
          "{\"overall\":false,\"phases\":[{\"name\":\"Uploading\",\"progress\":"
              + "{\"done\":1048576,\"total\":4194304,\"units\":\"bytes\"}},"
              + "{\"name\":\"Installing\",\"progress\":null}]}",
          "{\"overall\":false,\"phases\":[{\"name\":\"Uploading\",\"progress\":"
              + "{\"done\":3145728,\"total\":4194304,\"units\":\"bytes\"}},"
              + "{\"name\":\"Installing\",\"progress\":null}]}",
          "{\"overall\":{\"done\":1,\"total\":2,\"units\":\"steps\"},\"phases\":["
              + "{\"name\":\"Uploading\",\"progress\":true},"
              + "{\"name\":\"Installing\",\"progress\":{\"done\":2,\"total\":5,\"units\":\"steps\"}}]}",
          "{\"overall\":true,\"phases\":[{\"name\":\"Uploading\",\"progress\":true},"
              + "{\"name\":\"Installing\",\"progress\":true}]}");

  private static String render(boolean terminal) throws Exception {
    ProgressFrames view = new ProgressFrames(terminal);
    StringBuilder out = new StringBuilder();
    for (String frame : SIDELOAD) {
      out.append(view.frame(RpcClient.JSON.readTree(frame)));
    }
    return out.append(view.finish()).toString();
  }

  @Test
  void withoutTerminalEachPhaseChangePrintsOneLineAndByteCountsDoNot() throws Exception {
    assertThat(render(false))
        .isEqualTo("Uploading...\nUploading: done\nInstalling...\nInstalling: done\n");
  }

  @Test
  void onTerminalTheActivePhaseIsRedrawnWithPercentAndBytes() throws Exception {
    String shown = render(true);
    assertThat(shown)
        .contains("\r\033[KUploading: working")
        .contains("\r\033[KUploading: 25% (1.0/4.0 MiB)")
        .contains("\r\033[KUploading: 75% (3.0/4.0 MiB)")
        .contains("\r\033[KUploading: done\n")
        .contains("\r\033[KInstalling: 2/5 steps (40%)")
        .endsWith("\r\033[KInstalling: done\n");
    // what a person sees in the end: one line per phase
    assertThat(visible(shown)).containsExactly("Uploading: done", "Installing: done");
  }

  @Test
  void anUnchangedFrameRedrawsNothing() throws Exception {
    ProgressFrames view = new ProgressFrames(true);
    JsonNode frame = RpcClient.JSON.readTree(SIDELOAD.get(2));
    assertThat(view.frame(frame)).isNotEmpty();
    assertThat(view.frame(frame)).isEmpty();
  }

  @Test
  void onlyOverallTrueMeansComplete() throws Exception {
    assertThat(SIDELOAD.stream().map(PackageProgressTest::complete))
        .containsExactly(false, false, false, false, false, true);
  }

  @Test
  void progressValuesReadAsPeopleSayThem() throws Exception {
    assertThat(ProgressFrames.describe(RpcClient.JSON.readTree("null"))).isEqualTo("waiting");
    assertThat(ProgressFrames.describe(RpcClient.JSON.readTree("false"))).isEqualTo("working");
    assertThat(ProgressFrames.describe(RpcClient.JSON.readTree("true"))).isEqualTo("done");
    assertThat(
            ProgressFrames.describe(
                RpcClient.JSON.readTree("{\"done\":5242880,\"total\":null,\"units\":\"bytes\"}")))
        .isEqualTo("5.0 MiB");
    assertThat(ProgressFrames.describe(RpcClient.JSON.readTree("{\"done\":3,\"total\":4}")))
        .isEqualTo("3/4 (75%)");
    assertThat(
            ProgressFrames.describe(
                RpcClient.JSON.readTree(
                    "{\"overall\":false,\"phases\":[{\"name\":\"a\",\"progress\":true},"
                        + "{\"name\":\"Downloading\",\"progress\":false}]}")))
        .isEqualTo("working (Downloading)");
  }

  private static boolean complete(String frame) {
    try {
      return ProgressFrames.complete(RpcClient.JSON.readTree(frame));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // a terminal's final screen: each \r-redrawn line keeps only its last state
  private static List<String> visible(String shown) {
    return java.util.Arrays.stream(shown.split("\n"))
        .map(l -> l.substring(l.lastIndexOf('\r') + 1).replace("\033[K", ""))
        .toList();
  }
}
