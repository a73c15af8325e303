package startos.cli.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import startos.cli.Output;
import startos.cli.RpcClient;

class PackHelpersTest {
  private static ObjectNode manifest() throws Exception {
    return (ObjectNode)
        RpcClient.JSON.readTree("{\"title\":\"A\",\"images\":{\"main\":{\"arch\":[\"x86_64\"]}}}");
  }

  @Test
  void jqStyleAssignmentsSetNestedFields() throws Exception {
    ObjectNode out =
        ManifestEdit.apply(
            manifest(), ".title = \"B\" | .images.main.arch = [\"x86_64\", \"aarch64\"]");
    assertThat(Output.compact(out))
        .isEqualTo("{\"title\":\"B\",\"images\":{\"main\":{\"arch\":[\"x86_64\",\"aarch64\"]}}}");
  }

  @Test
  void jsonPatchEditsAndTestFailureLeavesInputAlone() throws Exception {
    ObjectNode in = manifest();
    ObjectNode out =
        ManifestEdit.apply(
            in, "[{\"op\":\"add\",\"path\":\"/images/main/arch/-\",\"value\":\"riscv64\"}]");
    assertThat(out.path("images").path("main").path("arch")).hasSize(2);
    assertThatThrownBy(
            () -> ManifestEdit.apply(in, "[{\"op\":\"test\",\"path\":\"/title\",\"value\":\"Z\"}]"))
        .hasMessageContaining("JSON Patch test at /title failed");
    assertThat(in.path("title").asText()).isEqualTo("A");
  }

  @Test
  void unknownExpressionFormIsExplained() {
    assertThatThrownBy(() -> ManifestEdit.apply(manifest(), "del(.title)"))
        .hasMessageContaining("use a JSON Patch array or `.field.sub = <json>`");
  }

  @Test
  void progressRendersPercentAndMebibytes() {
    assertThat(ProgressLine.render("Writing", 512L * 1024, 1024L * 1024))
        .isEqualTo("Writing:  50% (0.5/1.0 MiB)");
    StringWriter w = new StringWriter();
    ProgressLine plain = new ProgressLine(new PrintWriter(w), false);
    plain.phase("Packing javascript");
    plain.bytes(1, 2);
    plain.done("packed");
    assertThat(w.toString()).isEqualTo("Packing javascript...\npacked\n");
  }

  @Test
  void onATerminalProgressRedrawsOneLine() {
    StringWriter w = new StringWriter();
    ProgressLine tty = new ProgressLine(new PrintWriter(w), true);
    tty.phase("Writing");
    tty.bytes(1024L * 1024, 1024L * 1024);
    tty.done("packed");
    assertThat(w.toString())
        .isEqualTo("\rWriting...\r\033[KWriting: 100% (1.0/1.0 MiB)" + "\npacked\n");
  }

  @Test
  void imageSpecNeedsIdAndPath() {
    assertThat(PackOptions.parseImage("main@x86_64=/a/b"))
        .isEqualTo(Map.entry("main@x86_64", Path.of("/a/b")));
    assertThatThrownBy(() -> PackOptions.parseImage("main")).hasMessageContaining("IMAGE_ID=PATH");
  }
}
