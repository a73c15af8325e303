package startos.cli.pack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.s9pk.manifest.S9pkV1;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.S9pkException;

/**
 * {@code s9pk convert}: a v1 archive to v2 (container images included), re-signed with your key,
 * replacing the file in place as StartOS does. The v2 archive is written to a temporary file beside
 * it and moved over the original only once complete, so on any failure the original is untouched
 * and nothing half-written is left.
 */
final class ConvertCommand {
  private ConvertCommand() {}

  static void convert(CliCommand cmd, Path s9pk) {
    Path file = s9pk.toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      throw CliException.local(s9pk + " does not exist or is not a file");
    }
    Path dir = file.getParent();
    DeveloperKey key = DeveloperKeys.forSigning(cmd.root(), dir);
    Path tmp = dir.resolve("." + file.getFileName() + ".v2.tmp");
    startos.s9pk.manifest.V1Conversion.Result result;
    try (S9pkV1 v1 = S9pkV1.open(file)) {
      result = startos.s9pk.manifest.V1Conversion.convert(v1, key, dir, tmp);
    } catch (S9pkException e) {
      LocalTrees.delete(tmp);
      throw CliException.local(s9pk + " could not be converted: " + e.getMessage(), e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LocalTrees.delete(tmp);
      throw CliException.local("cannot replace " + file + ": " + e.getMessage(), e);
    }
    for (String missing : result.notConverted()) {
      cmd.root().env().err().println("warning: not converted: " + missing);
    }
    cmd.out()
        .line(
            "converted "
                + result.manifest().id()
                + " "
                + result.manifest().version()
                + " to v2: "
                + file);
  }
}
