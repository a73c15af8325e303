package startos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns an image given to {@code s9pk pack --image} into a root filesystem directory plus its
 * config. Accepts a root filesystem directory as is, or an OCI image layout / docker-archive (as a
 * directory or a possibly compressed tarball, e.g. from {@code docker save}): layers are applied in
 * order with whiteouts honoured ({@code .wh.NAME} deletes, {@code .wh..wh..opq} empties a directory
 * of lower layers).
 */
final class ImageUnpacker {
  private static final Pattern DIGEST = Pattern.compile("([a-z0-9]+):([a-f0-9]{32,128})");
  private static final String OPAQUE = ".wh..wh..opq";
  private static final Map<String, String> OCI_ARCH =
      Map.of("x86_64", "amd64", "aarch64", "arm64", "riscv64", "riscv64");

  /** The result: where the files are and how the image wants to be run. */
  record Unpacked(Path rootfs, ImageConfig config) {}

  private ImageUnpacker() {}

  /**
   * @param image a rootfs dir, an OCI layout / docker-archive dir, or a tarball of one
   * @param arch the StartOS arch wanted ({@code x86_64}, {@code aarch64}, {@code riscv64})
   * @param work an empty scratch directory this call may fill
   */
  static Unpacked unpack(Path image, String arch, Path work) {
    if (!Files.exists(image)) {
      throw CliException.local("image " + image + " does not exist");
    }
    Path layout = image;
    if (!Files.isDirectory(image)) {
      layout = work.resolve("layout");
      mkdirs(layout);
      untar(image, layout, List.of());
    }
    Path rootfs = work.resolve("rootfs");
    if (Files.isRegularFile(layout.resolve("index.json"))) {
      mkdirs(rootfs);
      return new Unpacked(rootfs, fromOciLayout(image, layout, arch, rootfs));
    }
    if (Files.isRegularFile(layout.resolve("manifest.json"))
        && readJson(layout.resolve("manifest.json")).isArray()) {
      mkdirs(rootfs);
      return new Unpacked(rootfs, fromDockerArchive(image, layout, rootfs));
    }
    if (!Files.isDirectory(image)) {
      throw CliException.local(
          "image "
              + image
              + " is neither an OCI image layout (index.json) nor a docker-archive (manifest.json)");
    }
    return new Unpacked(image, ImageConfig.defaults());
  }

  private static ImageConfig fromOciLayout(Path image, Path layout, String arch, Path rootfs) {
    JsonNode manifest = selectManifest(image, layout, readJson(layout.resolve("index.json")), arch);
    JsonNode config = readJson(blob(image, layout, manifest.path("config")));
    for (JsonNode layer : manifest.path("layers")) {
      applyLayer(blob(image, layout, layer), rootfs);
    }
    return ImageConfig.fromImageJson(config);
  }

  // follows image indexes down to the manifest for the wanted arch
  private static JsonNode selectManifest(Path image, Path layout, JsonNode index, String arch) {
    JsonNode manifests = index.path("manifests");
    if (!manifests.isArray() || manifests.isEmpty()) {
      throw CliException.local("image " + image + " has an index without manifests");
    }
    String wanted = OCI_ARCH.getOrDefault(arch, arch);
    JsonNode chosen = null;
    List<String> seen = new ArrayList<>();
    for (JsonNode m : manifests) {
      String a = m.path("platform").path("architecture").asText("");
      if (a.equals("unknown")) {
        continue; // attestation manifests of buildx
      }
      if (!a.isEmpty()) {
        seen.add(a);
      }
      if (a.isEmpty() || a.equals(wanted)) {
        chosen = m;
        break;
      }
    }
    if (chosen == null) {
      throw CliException.local(
          "image " + image + " has no " + arch + " (" + wanted + ") variant; it has: " + seen);
    }
    JsonNode doc = readJson(blob(image, layout, chosen));
    return doc.has("manifests") ? selectManifest(image, layout, doc, arch) : doc;
  }

  private static ImageConfig fromDockerArchive(Path image, Path layout, Path rootfs) {
    JsonNode entries = readJson(layout.resolve("manifest.json"));
    if (entries.isEmpty()) {
      throw CliException.local("image " + image + " has an empty manifest.json");
    }
    JsonNode entry = entries.get(0);
    JsonNode config = readJson(inside(image, layout, entry.path("Config").asText("")));
    for (JsonNode layer : entry.path("Layers")) {
      applyLayer(inside(image, layout, layer.asText("")), rootfs);
    }
    return ImageConfig.fromImageJson(config);
  }

  private static Path blob(Path image, Path layout, JsonNode descriptor) {
    String digest = descriptor.path("digest").asText("");
    var m = DIGEST.matcher(digest);
    if (!m.matches()) {
      throw CliException.local(
          "image " + image + " names a blob with a bad digest: \"" + digest + "\"");
    }
    Path file = layout.resolve("blobs").resolve(m.group(1)).resolve(m.group(2));
    if (!Files.isRegularFile(file)) {
      throw CliException.local("image " + image + " is missing blob " + digest);
    }
    if (m.group(1).equals("sha256") && !sha256(file).equals(m.group(2))) {
      throw CliException.local(
          "image " + image + " has a corrupt blob: " + digest + " does not match its content");
    }
    return file;
  }

  private static Path inside(Path image, Path layout, String relative) {
    Path p = layout.resolve(relative).normalize();
    if (relative.isEmpty() || !p.startsWith(layout.normalize()) || !Files.isRegularFile(p)) {
      throw CliException.local("image " + image + " refers to a missing file \"" + relative + "\"");
    }
    return p;
  }

  /** Applies one layer tarball: whiteouts first (they hide lower layers), then its files. */
  static void applyLayer(Path layer, Path rootfs) {
    Path tar = Tools.require("tar", "to unpack image layers");
    byte[] listing =
        Tools.run(
            List.of(tar.toString(), "--quoting-style=literal", "-tf", layer.toString()),
            Optional.empty(),
            Duration.ofMinutes(30));
    for (String name : new String(listing, StandardCharsets.UTF_8).split("\n")) {
      String clean = name;
      while (clean.startsWith("./") || clean.startsWith("/")) {
        clean = clean.substring(clean.startsWith("./") ? 2 : 1);
      }
      int slash = clean.lastIndexOf('/');
      String base = clean.substring(slash + 1);
      String parent = slash < 0 ? "" : clean.substring(0, slash);
      if (base.equals(OPAQUE)) {
        safeResolve(rootfs, parent).filter(Files::isDirectory).ifPresent(ImageUnpacker::emptyDir);
      } else if (base.startsWith(".wh.")) {
        String target = (parent.isEmpty() ? "" : parent + "/") + base.substring(4);
        safeResolve(rootfs, target).ifPresent(ImageUnpacker::delete);
      }
    }
    untar(layer, rootfs, List.of("--exclude=.wh.*", "--numeric-owner"));
  }

  private static void untar(Path archive, Path into, List<String> extra) {
    Path tar = Tools.require("tar", "to unpack " + archive);
    List<String> cmd =
        new ArrayList<>(List.of(tar.toString(), "-xf", archive.toString(), "-C", into.toString()));
    cmd.addAll(extra);
    Tools.run(cmd, Optional.empty(), Duration.ofMinutes(30));
  }

  // refuses paths that climb out or pass through a symlink: a layer must not delete host files
  static Optional<Path> safeResolve(Path rootfs, String relative) {
    Path current = rootfs;
    if (relative.isEmpty()) {
      return Optional.of(rootfs);
    }
    String[] parts = relative.split("/");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        return Optional.empty();
      }
      current = current.resolve(part);
      if (i < parts.length - 1 && Files.isSymbolicLink(current)) {
        return Optional.empty();
      }
    }
    return Files.exists(current, LinkOption.NOFOLLOW_LINKS)
        ? Optional.of(current)
        : Optional.empty();
  }

  private static void emptyDir(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      children.forEach(ImageUnpacker::delete);
    } catch (IOException e) {
      throw CliException.local(
          "cannot empty " + dir + " for an opaque whiteout: " + e.getMessage(), e);
    }
  }

  static void delete(Path path) {
    try {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        Files.walkFileTree(
            path,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                  throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                  throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
              }
            });
      } else {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw CliException.local("cannot delete " + path + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return RpcClient.JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw CliException.local(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest()).toLowerCase(Locale.ROOT);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw CliException.local("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw CliException.local("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }
}
