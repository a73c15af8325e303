package startos.s9pk.manifest;

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
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import startos.s9pk.merkle.ExternalTool;
import startos.s9pk.merkle.S9pkException;

/**
 * Turns a container image into a root filesystem directory plus its config, for {@code s9pk pack
 * --image} and for v1 conversion. Accepts a root filesystem directory as is, or an OCI image layout
 * / docker-archive ({@code docker save} output), as a directory or a possibly compressed tarball:
 * layers are applied in order with whiteouts honoured ({@code .wh.NAME} deletes, {@code
 * .wh..wh..opq} empties a directory of lower layers). Blobs named by a sha256 digest are checked.
 */
public final class ImageUnpacker {
  private static final Pattern DIGEST = Pattern.compile("([a-z0-9]+):([a-f0-9]{32,128})");
  private static final Pattern SHA256_NAME =
      Pattern.compile("(?:.*/)?(?:sha256[:/])?([a-f0-9]{64})(?:\\.json|/layer\\.tar)?");
  private static final String OPAQUE = ".wh..wh..opq";
  private static final Map<String, String> OCI_ARCH =
      Map.of("x86_64", "amd64", "aarch64", "arm64", "riscv64", "riscv64");

  /** Where the files are, and how the image wants to be run ({@code .json} and {@code .env}). */
  public record Unpacked(Path rootfs, ImageMetadata metadata, ImageEnv env) {}

  private ImageUnpacker() {}

  /**
   * @param image a rootfs dir, an OCI layout / docker-archive dir, or a tarball of one
   * @param arch the StartOS arch wanted ({@code x86_64}, {@code aarch64}, {@code riscv64})
   * @param work an empty scratch directory this call may fill
   */
  public static Unpacked unpack(Path image, String arch, Path work) {
    if (!Files.exists(image)) {
      throw new S9pkException("image " + image + " does not exist");
    }
    Path layout = image;
    if (!Files.isDirectory(image)) {
      layout = work.resolve("layout");
      extractArchive(image, layout);
    }
    Path rootfs = work.resolve("rootfs");
    if (Files.isRegularFile(layout.resolve("index.json"))) {
      mkdirs(rootfs);
      return fromOciLayout(image.toString(), layout, arch, rootfs);
    }
    if (Files.isRegularFile(layout.resolve("manifest.json"))
        && readJson(layout.resolve("manifest.json")).isArray()) {
      mkdirs(rootfs);
      return fromDockerArchive(image.toString(), layout, Optional.empty(), rootfs);
    }
    if (!Files.isDirectory(image)) {
      throw new S9pkException(
          "image "
              + image
              + " is neither an OCI image layout (index.json) nor a docker-archive (manifest.json)");
    }
    return new Unpacked(
        image,
        new ImageMetadata("/", "root", Optional.empty(), Optional.empty()),
        new ImageEnv(List.of()));
  }

  /**
   * Unpacks the image tagged {@code tag} (the first image when empty) of an extracted {@code docker
   * save} directory into {@code rootfs}; {@code what} names the source in errors.
   */
  public static Unpacked fromDockerArchive(
      String what, Path layout, Optional<String> tag, Path rootfs) {
    JsonNode entries = readJson(layout.resolve("manifest.json"));
    if (!entries.isArray() || entries.isEmpty()) {
      throw new S9pkException(what + " has an empty or malformed manifest.json");
    }
    JsonNode entry = entries.get(0);
    if (tag.isPresent()) {
      entry = null;
      List<String> seen = new ArrayList<>();
      for (JsonNode e : entries) {
        for (JsonNode t : e.path("RepoTags")) {
          seen.add(t.asText());
          if (t.asText().equals(tag.get()) && entry == null) {
            entry = e;
          }
        }
      }
      if (entry == null) {
        throw new S9pkException(what + " has no image tagged " + tag.get() + "; it has: " + seen);
      }
    }
    mkdirs(rootfs);
    JsonNode config =
        readJson(checked(what, inside(what, layout, entry.path("Config").asText(""))));
    for (JsonNode layer : entry.path("Layers")) {
      applyLayer(what, checked(what, inside(what, layout, layer.asText(""))), rootfs);
    }
    return fromConfig(rootfs, config);
  }

  /** The {@code architecture} of an extracted {@code docker save} directory's first image. */
  static String dockerArchiveArch(String what, Path layout) {
    JsonNode entries = readJson(layout.resolve("manifest.json"));
    if (!entries.isArray() || entries.isEmpty()) {
      throw new S9pkException(what + " has an empty or malformed manifest.json");
    }
    JsonNode config = readJson(inside(what, layout, entries.get(0).path("Config").asText("")));
    String arch = config.path("architecture").asText("");
    if (arch.isEmpty()) {
      throw new S9pkException(what + ": the image config names no architecture");
    }
    return arch;
  }

  private static Unpacked fromOciLayout(String what, Path layout, String arch, Path rootfs) {
    JsonNode manifest = selectManifest(what, layout, readJson(layout.resolve("index.json")), arch);
    JsonNode config = readJson(blob(what, layout, manifest.path("config")));
    for (JsonNode layer : manifest.path("layers")) {
      applyLayer(what, blob(what, layout, layer), rootfs);
    }
    return fromConfig(rootfs, config);
  }

  // follows image indexes down to the manifest for the wanted arch
  private static JsonNode selectManifest(String what, Path layout, JsonNode index, String arch) {
    JsonNode manifests = index.path("manifests");
    if (!manifests.isArray() || manifests.isEmpty()) {
      throw new S9pkException("image " + what + " has an index without manifests");
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
      throw new S9pkException(
          "image " + what + " has no " + arch + " (" + wanted + ") variant; it has: " + seen);
    }
    JsonNode doc = readJson(blob(what, layout, chosen));
    return doc.has("manifests") ? selectManifest(what, layout, doc, arch) : doc;
  }

  /** The OCI/Docker config's {@code config} (or {@code Config}) as StartOS stores it. */
  static Unpacked fromConfig(Path rootfs, JsonNode image) {
    JsonNode c = image.path("config");
    if (c.isMissingNode() || c.isNull()) {
      c = image.path("Config");
    }
    ImageMetadata metadata =
        new ImageMetadata(
            c.path("WorkingDir").asText(""),
            c.path("User").asText(""),
            strings(c.path("Entrypoint")),
            strings(c.path("Cmd")));
    return new Unpacked(rootfs, metadata, new ImageEnv(strings(c.path("Env")).orElse(List.of())));
  }

  private static Optional<List<String>> strings(JsonNode node) {
    if (!node.isArray()) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    node.forEach(n -> out.add(n.asText()));
    return Optional.of(out);
  }

  private static Path blob(String what, Path layout, JsonNode descriptor) {
    String digest = descriptor.path("digest").asText("");
    Matcher m = DIGEST.matcher(digest);
    if (!m.matches()) {
      throw new S9pkException(
          "image " + what + " names a blob with a bad digest: \"" + digest + "\"");
    }
    Path file = layout.resolve("blobs").resolve(m.group(1)).resolve(m.group(2));
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new S9pkException("image " + what + " is missing blob " + digest);
    }
    if (m.group(1).equals("sha256") && !sha256(file).equals(m.group(2))) {
      throw new S9pkException(
          "image " + what + " has a corrupt blob: " + digest + " does not match its content");
    }
    return file;
  }

  // docker save names configs and (since Docker 25) layers by their sha256: check those
  private static Path checked(String what, Path file) {
    String name = file.toString().replace('\\', '/');
    Matcher m = SHA256_NAME.matcher(name);
    if (m.matches() && !name.endsWith("/layer.tar") && !sha256(file).equals(m.group(1))) {
      throw new S9pkException(
          what + " has a corrupt file: " + file.getFileName() + " does not match its digest");
    }
    return file;
  }

  private static Path inside(String what, Path layout, String relative) {
    Path p = layout.resolve(relative).normalize();
    if (relative.isEmpty()
        || !p.startsWith(layout.normalize())
        || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new S9pkException(what + " refers to a missing file \"" + relative + "\"");
    }
    return p;
  }

  /**
   * Applies one layer tarball: whiteouts first (they hide lower layers), then its files. Names that
   * climb out of the root filesystem, or reach through a symlink leading out of it, are refused
   * before anything of the layer is written.
   */
  static void applyLayer(String what, Path layer, Path rootfs) {
    Path tar = ExternalTool.require("tar", "to unpack image layers");
    byte[] listing =
        ExternalTool.run(
            List.of(tar.toString(), "--quoting-style=literal", "-tf", layer.toString()),
            Optional.empty(),
            Duration.ofMinutes(30));
    List<Runnable> whiteouts = new ArrayList<>();
    for (String name : new String(listing, StandardCharsets.UTF_8).split("\n")) {
      if (name.isEmpty()) {
        continue;
      }
      String clean = name;
      while (clean.startsWith("./") || clean.startsWith("/")) {
        clean = clean.substring(clean.startsWith("./") ? 2 : 1);
      }
      String layerName = layer.getFileName().toString();
      for (String part : clean.split("/")) {
        if (part.equals("..")) {
          throw new S9pkException(
              what
                  + ": layer "
                  + layerName
                  + " has the entry \""
                  + name
                  + "\" that climbs out of the root filesystem");
        }
      }
      int slash = clean.lastIndexOf('/');
      String base = clean.substring(slash + 1);
      String parent = slash < 0 ? "" : clean.substring(0, slash);
      Path dir = confined(what, layerName, name, rootfs, parent);
      if (base.equals(OPAQUE)) {
        whiteouts.add(() -> {
          if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            emptyDir(dir);
          }
        });
      } else if (base.startsWith(".wh.")) {
        String hidden = base.substring(4);
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
          throw new S9pkException(
              what + ": layer " + layerName + " has the malformed whiteout \"" + name + "\"");
        }
        Path target = dir.resolve(base.substring(4));
        whiteouts.add(() -> delete(target));
      }
    }
    whiteouts.forEach(Runnable::run);
    extract(layer, rootfs, List.of("--exclude=.wh.*", "--numeric-owner"));
  }

  // the directory an entry lands in; lower layers' symlinks may not lead it out of rootfs
  private static Path confined(
      String what, String layer, String entry, Path rootfs, String parent) {
    Path current = rootfs;
    for (String part : parent.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)) {
        boolean escapes;
        try {
          escapes = !current.toRealPath().startsWith(rootfs.toRealPath());
        } catch (IOException e) {
          escapes = true; // dangling: where it would land is the link's business, not ours
        }
        if (escapes) {
          throw new S9pkException(
              what
                  + ": layer "
                  + layer
                  + " has the entry \""
                  + entry
                  + "\" that reaches through the symlink "
                  + rootfs.relativize(current)
                  + " out of the root filesystem");
        }
      }
    }
    return current;
  }

  /** Extracts a (possibly compressed) tarball into {@code into}, refusing names with {@code ..}. */
  static void extractArchive(Path archive, Path into) {
    mkdirs(into);
    extract(archive, into, List.of("--no-same-owner"));
  }

  private static void extract(Path archive, Path into, List<String> extra) {
    Path tar = ExternalTool.require("tar", "to unpack " + archive.getFileName());
    List<String> cmd =
        new ArrayList<>(List.of(tar.toString(), "-xf", archive.toString(), "-C", into.toString()));
    cmd.addAll(extra);
    ExternalTool.run(cmd, Optional.empty(), Duration.ofMinutes(30));
  }

  private static void emptyDir(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      children.forEach(ImageUnpacker::delete);
    } catch (IOException e) {
      throw new S9pkException(
          "cannot empty " + dir + " for an opaque whiteout: " + e.getMessage(), e);
    }
  }

  /** Deletes a file or a whole tree without following symlinks; absent is fine. */
  public static void delete(Path path) {
    try {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        Files.walkFileTree(
            path,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                // a read-only directory from a layer must still be emptied
                dir.toFile().setWritable(true, true);
                return FileVisitResult.CONTINUE;
              }

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
      throw new S9pkException("cannot delete " + path + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new S9pkException(file.getFileName() + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new S9pkException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new S9pkException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }
}
