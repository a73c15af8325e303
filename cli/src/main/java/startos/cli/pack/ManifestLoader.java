package startos.cli.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import startos.cli.CliException;
import startos.cli.RpcClient;

/**
 * Gets a package's manifest the way StartOS does: by loading its built {@code javascript/index.js}
 * with {@code node} and printing the {@code manifest} export as JSON.
 */
final class ManifestLoader {
  // CommonJS first (what the SDK's bundler emits), ES module as a fallback
  private static final String SCRIPT =
      """
      const p = process.argv[1];
      (async () => {
        let m;
        try { m = require(p); }
        catch (e) {
          if (e && e.code === 'ERR_REQUIRE_ESM') { m = await import(require('url').pathToFileURL(p).href); }
          else { throw e; }
        }
        if (!m || m.manifest === undefined) {
          console.error(p + ' does not export `manifest`');
          process.exit(3);
        }
        process.stdout.write(JSON.stringify(m.manifest));
      })().catch(e => { console.error(e && e.stack ? e.stack : String(e)); process.exit(2); });
      """;

  private ManifestLoader() {}

  static ObjectNode load(Path javascriptDir) {
    Path index = javascriptDir.resolve("index.js").toAbsolutePath();
    if (!Files.isRegularFile(index)) {
      throw CliException.local(
          "no " + index + ": build the package's javascript first (e.g. `npm run build`)");
    }
    Path node = Tools.require("node", "to read the manifest from " + index);
    byte[] out =
        Tools.run(
            List.of(node.toString(), "-e", SCRIPT, index.toString()),
            Optional.of(javascriptDir.toAbsolutePath()),
            Duration.ofMinutes(2));
    JsonNode manifest;
    try {
      manifest = RpcClient.JSON.readTree(out);
    } catch (IOException e) {
      throw CliException.local(
          "the manifest exported by " + index + " is not JSON: " + e.getMessage(), e);
    }
    if (!(manifest instanceof ObjectNode o)) {
      throw CliException.local("the manifest exported by " + index + " is not a JSON object");
    }
    return o;
  }
}
