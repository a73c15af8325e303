package startos.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import startos.s9pk.DeveloperKey;
import startos.s9pk.S9pkException;
import startos.s9pk.S9pkV1;

/**
 * {@code s9pk convert}: a v1 archive to v2, re-signed with your key, in place as StartOS does — but
 * only when nothing is lost. When parts cannot be carried over (container images), the original is
 * kept and the v2 archive is written beside it as {@code <name>.v2.s9pk}.
 */
final class V1Conversion {
  private V1Conversion() {}

  static void convert(CliCommand cmd, Path s9pk) {
    Path file = s9pk.toAbsolutePath();
    Path dir = file.getParent();
    DeveloperKey key = DeveloperKeys.forSigning(cmd.root(), dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    startos.s9pk.V1Conversion.Result result;
    try (S9pkV1 v1 = S9pkV1.open(file)) {
      result = startos.s9pk.V1Conversion.convert(v1, key, dir, tmp);
    } catch (S9pkException e) {
      ImageUnpacker.delete(tmp);
      throw CliException.local(s9pk + " could not be converted: " + e.getMessage(), e);
    }
    String name = file.getFileName().toString();
    Path target =
        result.notConverted().isEmpty()
            ? file
            : dir.resolve(
                (name.endsWith(".s9pk") ? name.substring(0, name.length() - 5) : name)
                    + ".v2.s9pk");
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      ImageUnpacker.delete(tmp);
      throw CliException.local("cannot write " + target + ": " + e.getMessage(), e);
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
                + target
                + (target.equals(file)
                    ? ""
                    : " (the v1 original is kept: some parts were not converted)"));
  }
}
