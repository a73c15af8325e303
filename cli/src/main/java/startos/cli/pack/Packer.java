package startos.cli.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import startos.cli.CliException;
import startos.cli.Output;
import startos.cli.RpcClient;
import startos.s9pk.manifest.Manifest;
import startos.s9pk.manifest.Squashfs;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.ExternalTool;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkBuilder;
import startos.s9pk.merkle.S9pkException;

/**
 * {@code s9pk pack}: manifest from {@code javascript/index.js}, icon, license, instructions,
 * javascript and assets as squashfs, images per architecture, dependency metadata; then one signed
 * archive, checked by reading it back. Nothing is left behind on failure.
 */
final class Packer {
  private static final Map<String, String> OCI_ARCH =
      Map.of("x86_64", "amd64", "aarch64", "arm64", "riscv64", "riscv64");

  private final PackOptions opts;
  private final ProgressLine progress;
  private final List<String> warnings = new ArrayList<>();

  /** What came out. */
  record Packed(Path output, String id, String version, long bytes, List<String> warnings) {
    Packed {
      warnings = List.copyOf(warnings);
    }
  }

  Packer(PackOptions opts, ProgressLine progress) {
    this.opts = opts;
    this.progress = progress;
  }

  Packed pack(DeveloperKey key) {
    if (!Files.isDirectory(opts.path())) {
      throw CliException.local("package directory " + opts.path() + " does not exist");
    }
    progress.phase("Reading manifest from " + opts.javascriptDir().resolve("index.js"));
    ObjectNode manifest = ManifestLoader.load(opts.javascriptDir());
    String id = manifest.path("id").asText("");
    if (!Manifest.ID.matcher(id).matches()) {
      throw CliException.local(
          "the manifest's id \"" + id + "\" must be lowercase letters and digits joined by '-'");
    }
    checkImageOptions(manifest);
    gitHash(opts.path()).ifPresent(h -> manifest.put("gitHash", h));
    filterArch(manifest);
    Path output = opts.outputFor(id);
    Path tmp = tempDir();
    try {
      S9pkBuilder b = S9pkBuilder.create();
      Path icon = opts.iconFile();
      b.add("icon." + extension(icon), icon);
      b.add("LICENSE.md", opts.licenseFile());
      b.add("instructions.md", opts.instructionsFile());
      progress.phase("Packing javascript");
      Path js = tmp.resolve("javascript.squashfs");
      squash(opts.javascriptDir(), js);
      b.add("javascript.squashfs", js);
      Optional<Path> assets = opts.assetsDir();
      if (assets.isPresent()) {
        progress.phase("Packing assets");
        Path sq = tmp.resolve("assets.squashfs");
        squash(assets.get(), sq);
        b.add("assets.squashfs", sq);
      }
      packImages(manifest, b, tmp);
      packDependencies(manifest, b);
      byte[] manifestBytes = Output.compact(manifest).getBytes(StandardCharsets.UTF_8);
      try {
        Manifest.parse(manifestBytes);
      } catch (S9pkException e) {
        throw CliException.local(
            "the manifest exported by index.js is invalid: " + e.getMessage(), e);
      }
      b.add("manifest.json", manifestBytes);
      progress.phase("Writing " + output);
      try {
        b.write(output, key, progress::bytes);
      } catch (S9pkException e) {
        throw CliException.local("cannot write " + output + ": " + e.getMessage(), e);
      }
      check(output);
      long size = output.toFile().length();
      return new Packed(output, id, manifest.path("version").asText(), size, warnings);
    } finally {
      LocalTrees.delete(tmp);
    }
  }

  private static void squash(Path dir, Path out) {
    try {
      Squashfs.pack(dir, out);
    } catch (S9pkException e) {
      throw CliException.local(e.getMessage(), e);
    }
  }

  private void check(Path output) {
    try (S9pkArchive archive = S9pkArchive.open(output)) {
      Manifest.Validation v = Manifest.of(archive).validate(archive);
      warnings.addAll(v.warnings());
    } catch (S9pkException e) {
      LocalTrees.delete(output);
      throw CliException.local(
          "the packed archive failed validation and was removed: " + e.getMessage(), e);
    }
  }

  private void checkImageOptions(ObjectNode manifest) {
    JsonNode images = manifest.path("images");
    for (String key : opts.images().keySet()) {
      String id = key.contains("@") ? key.substring(0, key.indexOf('@')) : key;
      if (!images.has(id)) {
        List<String> known = new ArrayList<>();
        images.fieldNames().forEachRemaining(known::add);
        throw CliException.usage(
            "--image "
                + key
                + ": the manifest has no image \""
                + id
                + "\" (it has: "
                + known
                + ")");
      }
    }
  }

  /** {@code --arch}: keep only those architectures, as StartOS does. */
  private void filterArch(ObjectNode manifest) {
    if (opts.arch().isEmpty()) {
      return;
    }
    ObjectNode hw = manifest.with("hardwareRequirements");
    Set<String> arches = new LinkedHashSet<>(opts.arch());
    if (hw.path("arch").isArray()) {
      Set<String> allowed = strings(hw.path("arch"));
      arches.retainAll(allowed);
    }
    if (arches.isEmpty()) {
      throw CliException.local(
          "none of the requested architectures " + opts.arch() + " are supported by this package");
    }
    manifest
        .with("images")
        .properties()
        .forEach(e -> {
          ObjectNode img = (ObjectNode) e.getValue();
          Set<String> kept = strings(img.path("arch"));
          kept.retainAll(arches);
          if (kept.isEmpty()) {
            String emulate = img.path("emulateMissingAs").asText("");
            if (emulate.isEmpty()) {
              throw CliException.local(
                  "image " + e.getKey() + " is not available for " + String.join("/", arches));
            }
            warnings.add(
                "image "
                    + e.getKey()
                    + " is not available for "
                    + String.join("/", arches)
                    + ", emulating as "
                    + emulate);
            kept = Set.of(emulate);
          }
          img.set("arch", array(kept));
        });
    hw.set("arch", array(arches));
  }

  private void packImages(ObjectNode manifest, S9pkBuilder b, Path tmp) {
    for (Map.Entry<String, JsonNode> e : manifest.with("images").properties()) {
      String id = e.getKey();
      if (!(e.getValue() instanceof ObjectNode img)) {
        throw CliException.local("manifest images." + id + " must be an object");
      }
      Set<String> arches = strings(img.path("arch"));
      if (arches.isEmpty()) {
        throw CliException.local("manifest images." + id + ".arch lists no architecture");
      }
      for (String arch : arches) {
        if (!Manifest.ARCHES.contains(arch)) {
          throw CliException.local(
              "image "
                  + id
                  + " names unknown architecture \""
                  + arch
                  + "\" (known: "
                  + Manifest.ARCHES
                  + ")");
        }
        Path work = tmp.resolve("image-" + id + "-" + arch);
        Path input = imageInput(id, arch, img.path("source"), work);
        progress.phase("Unpacking image " + id + " (" + arch + ") from " + input);
        Path sq = tmp.resolve(id + "." + arch + ".squashfs");
        startos.s9pk.manifest.ImageUnpacker.Unpacked u;
        try {
          u = startos.s9pk.manifest.ImageUnpacker.unpack(input, arch, work);
          progress.phase("Packing image " + id + " (" + arch + ")");
          Squashfs.packRootfs(u.rootfs(), sq);
          if (!u.rootfs().equals(input)) {
            LocalTrees.delete(work); // the squashfs has it now; free the disk early
          }
        } catch (S9pkException failure) {
          throw CliException.local(
              "image " + id + " (" + arch + "): " + failure.getMessage(), failure);
        }
        String base = "images/" + arch + "/" + id;
        b.add(base + ".squashfs", sq);
        b.add(base + ".json", u.metadata().toJson());
        b.add(base + ".env", u.env().toBytes());
      }
      img.put("source", "packed");
    }
  }

  private Path imageInput(String id, String arch, JsonNode source, Path work) {
    Path given = opts.images().get(id + "@" + arch);
    if (given != null) {
      return given;
    }
    given = opts.images().get(id);
    if (given != null) {
      if (!arch.equals(hostArch())) {
        warnings.add(
            "image "
                + id
                + ": the content of "
                + given
                + " was packed for "
                + arch
                + " too; use --arch or --image "
                + id
                + "@"
                + arch
                + "=PATH if it is not built for "
                + arch);
      }
      return given;
    }
    String from;
    if (source.has("dockerTag")) {
      from = "dockerTag " + source.path("dockerTag").asText();
    } else if (source.has("dockerBuild")) {
      from = "dockerBuild";
    } else {
      throw CliException.local(
          "image "
              + id
              + " has no source to pack from ("
              + Output.compact(source)
              + "): pass --image "
              + id
              + "=<rootfs dir or OCI/docker tarball>");
    }
    Optional<Path> tool = ExternalTool.which("docker").or(() -> ExternalTool.which("podman"));
    if (tool.isEmpty()) {
      throw CliException.local(
          "image "
              + id
              + " comes from "
              + from
              + " but neither docker nor podman is installed: pass --image "
              + id
              + "=<rootfs dir or OCI/docker tarball>");
    }
    mkdirs(work);
    String tag = source.path("dockerTag").asText("");
    if (source.has("dockerBuild")) {
      JsonNode db = source.path("dockerBuild");
      Path workdir = opts.path().resolve(db.path("workdir").asText("."));
      Path dockerfile =
          db.hasNonNull("dockerfile")
              ? opts.path().resolve(db.path("dockerfile").asText())
              : workdir.resolve("Dockerfile");
      tag = "start-cli-pack/" + id + ":" + arch;
      progress.phase("Building image " + id + " (" + arch + ") with " + tool.get().getFileName());
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  tool.get().toString(),
                  "build",
                  "--platform",
                  "linux/" + OCI_ARCH.get(arch),
                  "-t",
                  tag,
                  "-f",
                  dockerfile.toString()));
      db.path("buildArgs")
          .properties()
          .forEach(a -> {
            if (a.getValue().isTextual()) {
              cmd.add("--build-arg");
              cmd.add(a.getKey() + "=" + a.getValue().asText());
            }
          });
      cmd.add(workdir.toString());
      Tools.run(cmd, Optional.of(opts.path()), Duration.ofHours(2));
    }
    Path tar = work.resolve("docker-save.tar");
    progress.phase("Exporting image " + tag + " with " + tool.get().getFileName());
    Tools.run(
        List.of(tool.get().toString(), "save", "-o", tar.toString(), tag),
        Optional.empty(),
        Duration.ofHours(1));
    return tar;
  }

  /**
   * {@code dependencies.X.metadata {title, icon}} or {@code s9pk} become files, as StartOS does.
   */
  private void packDependencies(ObjectNode manifest, S9pkBuilder b) {
    for (Map.Entry<String, JsonNode> e : manifest.with("dependencies").properties()) {
      if (!(e.getValue() instanceof ObjectNode dep)) {
        continue;
      }
      String base = "dependencies/" + e.getKey() + "/";
      JsonNode meta = dep.remove("metadata");
      JsonNode s9pk = dep.remove("s9pk");
      if (meta != null && meta.isObject()) {
        DependencyIcon icon =
            DependencyIcon.resolve(e.getKey(), meta.path("icon").asText(""), opts.path());
        ObjectNode m = RpcClient.JSON.createObjectNode();
        m.set("title", meta.path("title"));
        b.add(base + "metadata.json", Output.compact(m).getBytes(StandardCharsets.UTF_8));
        b.add(base + "icon." + icon.extension(), icon.bytes());
      } else if (s9pk != null && s9pk.isTextual()) {
        Path file = opts.path().resolve(s9pk.asText());
        try (S9pkArchive other = S9pkArchive.open(file)) {
          ObjectNode m = RpcClient.JSON.createObjectNode();
          m.put("title", Manifest.of(other).title());
          b.add(base + "metadata.json", Output.compact(m).getBytes(StandardCharsets.UTF_8));
          for (String path : other.list()) {
            if (path.startsWith("icon.")) {
              b.add(base + path, other.read(path));
              break;
            }
          }
        } catch (S9pkException ex) {
          throw CliException.local(
              "dependency " + e.getKey() + ": cannot read " + file + ": " + ex.getMessage(), ex);
        }
      } else {
        warnings.add("no metadata specified for dependency " + e.getKey() + ", leaving it empty");
      }
    }
  }

  static Optional<String> gitHash(Path dir) {
    Optional<Path> git = ExternalTool.which("git");
    if (git.isEmpty()) {
      return Optional.empty();
    }
    try {
      String head =
          new String(
                  Tools.run(
                      List.of(git.get().toString(), "-C", dir.toString(), "rev-parse", "HEAD"),
                      Optional.empty(),
                      Duration.ofSeconds(30)),
                  StandardCharsets.UTF_8)
              .strip();
      String status =
          new String(
                  Tools.run(
                      List.of(
                          git.get().toString(), "-C", dir.toString(), "status", "--porcelain", "."),
                      Optional.empty(),
                      Duration.ofSeconds(60)),
                  StandardCharsets.UTF_8)
              .strip();
      return Optional.of(status.isEmpty() ? head : head + "-modified");
    } catch (CliException e) {
      return Optional.empty(); // not a git checkout: no hash, like a source tarball
    }
  }

  static String hostArch() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> a;
    };
  }

  static String extension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || dot == name.length() - 1) {
      throw CliException.local(file + " has no file extension, so its type is unknown");
    }
    return name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static ArrayNode array(Set<String> values) {
    ArrayNode a = RpcClient.JSON.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("start-cli-pack");
    } catch (IOException e) {
      throw CliException.local("cannot create a temporary directory: " + e.getMessage(), e);
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
