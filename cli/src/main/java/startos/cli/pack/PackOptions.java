package startos.cli.pack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import startos.cli.CliException;

/**
 * The inputs of {@code s9pk pack} / {@code list-ingredients}, with StartOS's defaults relative to
 * the package directory: {@code javascript/}, the one {@code icon.*}, the one {@code LICENSE*},
 * {@code instructions.md}, {@code assets/}.
 */
record PackOptions(
    Path path,
    Optional<Path> output,
    Optional<Path> javascript,
    Optional<Path> icon,
    Optional<Path> license,
    Optional<Path> instructions,
    Optional<Path> assets,
    boolean noAssets,
    List<String> arch,
    Map<String, Path> images) {

  PackOptions {
    arch = List.copyOf(arch);
    images = Map.copyOf(images);
    if (assets.isPresent() && noAssets) {
      throw CliException.usage("--assets and --no-assets cannot be used together");
    }
  }

  Path javascriptDir() {
    return javascript.orElseGet(() -> path.resolve("javascript"));
  }

  Path outputFor(String id) {
    return output.orElseGet(() -> path.resolve(id + ".s9pk"));
  }

  Path iconFile() {
    return icon.map(p -> mustExist(p, "--icon")).orElseGet(() -> unique("icon", "--icon"));
  }

  Path licenseFile() {
    return license
        .map(p -> mustExist(p, "--license"))
        .orElseGet(() -> unique("license", "--license"));
  }

  Path instructionsFile() {
    return instructions
        .map(p -> mustExist(p, "--instructions"))
        .orElseGet(() -> {
          Path p = path.resolve("instructions.md");
          if (!Files.isRegularFile(p)) {
            throw CliException.local(
                "instructions.md not found in "
                    + path
                    + ": it is a required file (or pass --instructions)");
          }
          return p;
        });
  }

  /**
   * The assets directory to pack, if any: an explicit one must exist, the default may be absent.
   */
  Optional<Path> assetsDir() {
    if (noAssets) {
      return Optional.empty();
    }
    if (assets.isPresent()) {
      if (!Files.isDirectory(assets.get())) {
        throw CliException.local("--assets " + assets.get() + " is not a directory");
      }
      return assets;
    }
    Path d = path.resolve("assets");
    return Files.isDirectory(d) ? Optional.of(d) : Optional.empty();
  }

  private static Path mustExist(Path p, String option) {
    if (!Files.isRegularFile(p)) {
      throw CliException.local(option + " " + p + " does not exist");
    }
    return p;
  }

  // exactly one file whose name without extension is `stem` (any case), as StartOS looks them up
  private Path unique(String stem, String option) {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(path)) {
      files
          .filter(Files::isRegularFile)
          .filter(f -> {
            String name = f.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String base = dot > 0 ? name.substring(0, dot) : name;
            return base.toLowerCase(Locale.ROOT).equals(stem);
          })
          .sorted()
          .forEach(found::add);
    } catch (IOException e) {
      throw CliException.local("cannot list " + path + ": " + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      throw CliException.local(stem + " not found in " + path + " (pass " + option + ")");
    }
    if (found.size() > 1) {
      throw CliException.local(
          "multiple " + stem + " files in " + path + " " + found + ": choose one with " + option);
    }
    return found.get(0);
  }

  /** {@code --image ID=PATH} or {@code ID@ARCH=PATH}, checked. */
  static Map.Entry<String, Path> parseImage(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw CliException.usage(
          "--image \"" + spec + "\" must look like IMAGE_ID=PATH or IMAGE_ID@ARCH=PATH");
    }
    return Map.entry(spec.substring(0, eq), Path.of(spec.substring(eq + 1)));
  }
}
