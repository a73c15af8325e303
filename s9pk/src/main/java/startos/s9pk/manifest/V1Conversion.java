package startos.s9pk.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import startos.s9pk.merkle.ByteSource;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.ExternalTool;
import startos.s9pk.merkle.MerkleArchiveCommitment;
import startos.s9pk.merkle.S9pkBuilder;
import startos.s9pk.merkle.S9pkException;

/**
 * Turns a v1 s9pk into a v2 archive signed with a new key, as StartOS does on sideload ({@code
 * core/s9pk/v2/compat.rs}): manifest, LICENSE.md, icon, instructions.md, assets.squashfs,
 * javascript.squashfs (embassy.js + embassyManifest.json) and the container images. Where StartOS
 * runs {@code docker load}/{@code export}, the {@code docker save} tarballs of {@code
 * docker_images} are unpacked directly, layer by layer, by {@link ImageUnpacker}.
 */
public final class V1Conversion {
  private static final Pattern ARCH = Pattern.compile("[a-z0-9_]{1,32}");
  // docker's names in a single-arch image config; v2 manifests use StartOS's
  private static final Map<String, String> STARTOS_ARCH =
      Map.of("amd64", "x86_64", "arm64", "aarch64", "riscv64", "riscv64");

  /** The written archive's commitment, its manifest, and what could not be carried over. */
  public record Result(
      MerkleArchiveCommitment commitment, Manifest manifest, List<String> notConverted) {
    public Result {
      notConverted = List.copyOf(notConverted);
    }
  }

  /** An image the v1 procedures run: {@code system} images are tagged without the package. */
  record V1Image(String id, boolean system) {}

  private V1Conversion() {}

  /**
   * Converts {@code v1} into {@code out}; {@code workDir} holds temporary trees (cleaned up). On
   * failure nothing is left at {@code out}.
   */
  public static Result convert(S9pkV1 v1, DeveloperKey key, Path workDir, Path out) {
    JsonNode raw = v1.manifest();
    ObjectNode manifestJson = manifestJson(raw);
    Manifest.parse(Json.write(manifestJson)); // fail on a bad manifest before any heavy work
    Path dir;
    try {
      dir = Files.createTempDirectory(workDir, "v1-convert");
    } catch (IOException e) {
      throw new S9pkException("cannot create a work directory in " + workDir, e);
    }
    boolean written = false;
    try {
      S9pkBuilder b = S9pkBuilder.create();
      b.add("LICENSE.md", v1.bytes("license"));
      b.add("instructions.md", v1.bytes("instructions"));
      b.add("icon." + iconExtension(raw), v1.bytes("icon"));
      Map<String, List<String>> arches = images(v1, raw, dir, b);
      ObjectNode imgs = manifestJson.putObject("images");
      arches.forEach((id, list) -> {
        ObjectNode i = imgs.putObject(id);
        i.put("source", "packed");
        i.set("arch", Json.array(list));
        i.putNull("emulateMissingAs");
        i.put("nvidiaContainer", false);
      });
      Manifest manifest = Manifest.parse(Json.write(manifestJson));
      b.add("manifest.json", manifest.toJson());
      Path assets = dir.resolve("assets");
      Optional<ByteSource> tar = v1.section("assets");
      if (tar.isPresent()) {
        ImageUnpacker.extractArchive(toFile(tar.get(), dir.resolve("assets.tar")), assets);
      } else {
        ImageUnpacker.mkdirs(assets);
      }
      b.add("assets.squashfs", squash(assets, dir.resolve("assets.squashfs")));
      Path js = dir.resolve("javascript");
      Files.createDirectories(js);
      Optional<ByteSource> scripts = v1.section("scripts");
      if (scripts.isPresent()) {
        toFile(scripts.get(), js.resolve("embassy.js"));
      }
      Files.write(js.resolve("embassyManifest.json"), Json.write(raw));
      b.add("javascript.squashfs", squash(js, dir.resolve("javascript.squashfs")));
      MerkleArchiveCommitment commitment = b.write(out, key);
      written = true;
      return new Result(commitment, manifest, List.of());
    } catch (IOException e) {
      throw new S9pkException("v1 conversion failed: " + e.getMessage(), e);
    } finally {
      if (!written) {
        cleanUp(out);
      }
      cleanUp(dir);
    }
  }

  /**
   * Unpacks every image the v1 procedures use, for every arch in {@code docker_images}, into {@code
   * b}; returns image id to arches.
   */
  private static Map<String, List<String>> images(
      S9pkV1 v1, JsonNode raw, Path dir, S9pkBuilder b) {
    Set<V1Image> images = dockerImages(raw);
    Map<String, List<String>> arches = new TreeMap<>();
    if (images.isEmpty()) {
      return arches;
    }
    ByteSource section =
        v1.section("docker_images")
            .orElseThrow(() ->
                new S9pkException(
                    "v1 docker_images section is empty, but the procedures use images "
                        + images.stream().map(V1Image::id).toList()));
    Path outer = toFile(section, dir.resolve("docker_images.tar"));
    Map<String, Path> layouts = layouts(outer, dir);
    String pkg = Json.string(raw, "id", "v1 manifest");
    String version = Json.string(raw, "version", "v1 manifest");
    for (Map.Entry<String, Path> a : layouts.entrySet()) {
      String arch = a.getKey();
      for (V1Image image : images) {
        String tag =
            image.system()
                ? "start9/" + image.id() + ":latest"
                : "start9/" + pkg + "/" + image.id() + ":" + version;
        Path rootfs = dir.resolve("rootfs-" + arch + "-" + image.id());
        ImageUnpacker.Unpacked u =
            ImageUnpacker.fromDockerArchive(
                "v1 docker_images (" + arch + ")", a.getValue(), Optional.of(tag), rootfs);
        Path sq = dir.resolve(arch + "-" + image.id() + ".squashfs");
        Squashfs.packRootfs(rootfs, sq);
        ImageUnpacker.delete(rootfs); // the squashfs has it now; free the disk early
        String base = "images/" + arch + "/" + image.id();
        b.add(base + ".squashfs", sq);
        b.add(base + ".json", u.metadata().toJson());
        b.add(base + ".env", u.env().toBytes());
        arches.computeIfAbsent(image.id(), k -> new ArrayList<>()).add(arch);
      }
      ImageUnpacker.delete(a.getValue());
    }
    return arches;
  }

  /**
   * The extracted {@code docker save} directory per arch: {@code docker_images} is either a tar of
   * {@code <arch>.tar} files listed in {@code multiarch.cbor}, or one {@code docker save} tarball
   * whose image config names the arch.
   */
  private static Map<String, Path> layouts(Path outer, Path dir) {
    Path tar = ExternalTool.require("tar", "to read v1 docker_images");
    byte[] listing =
        ExternalTool.run(
            List.of(tar.toString(), "--quoting-style=literal", "-tf", outer.toString()),
            Optional.empty(),
            Duration.ofMinutes(30));
    Map<String, String> members = new LinkedHashMap<>();
    for (String name : new String(listing, StandardCharsets.UTF_8).split("\n")) {
      members.put(name.startsWith("./") ? name.substring(2) : name, name);
    }
    Map<String, Path> layouts = new TreeMap<>();
    if (!members.containsKey("multiarch.cbor")) {
      Path layout = dir.resolve("docker-single");
      ImageUnpacker.extractArchive(outer, layout);
      String arch = ImageUnpacker.dockerArchiveArch("v1 docker_images", layout);
      layouts.put(STARTOS_ARCH.getOrDefault(arch, arch), layout);
      return layouts;
    }
    Path meta = dir.resolve("multiarch");
    extractMember(tar, outer, meta, members.get("multiarch.cbor"));
    JsonNode multi;
    try {
      multi = new CBORMapper().readTree(meta.resolve(members.get("multiarch.cbor")).toFile());
    } catch (IOException e) {
      throw new S9pkException("v1 docker_images: multiarch.cbor is not valid CBOR", e);
    }
    List<String> available = Json.strings(multi.get("available"), "available", "multiarch.cbor");
    for (String arch : available) {
      if (!ARCH.matcher(arch).matches()) {
        throw new S9pkException(
            "v1 docker_images: multiarch.cbor names a bad arch \"" + arch + "\"");
      }
      String member = members.get(arch + ".tar");
      if (member == null) {
        throw new S9pkException(
            "v1 docker_images does not contain the tarball for architecture " + arch);
      }
      extractMember(tar, outer, meta, member);
      Path layout = dir.resolve("docker-" + arch);
      ImageUnpacker.extractArchive(meta.resolve(member), layout);
      ImageUnpacker.delete(meta.resolve(member));
      layouts.put(arch, layout);
    }
    return layouts;
  }

  private static void extractMember(Path tar, Path archive, Path into, String member) {
    ImageUnpacker.mkdirs(into);
    ExternalTool.run(
        List.of(
            tar.toString(),
            "-xf",
            archive.toString(),
            "-C",
            into.toString(),
            "--no-same-owner",
            member),
        Optional.empty(),
        Duration.ofMinutes(30));
  }

  /** The images the v1 procedures run ({@code type: docker}), as StartOS collects them. */
  static Set<V1Image> dockerImages(JsonNode raw) {
    List<JsonNode> procedures = new ArrayList<>();
    procedures.add(raw.path("main"));
    procedures.add(raw.path("config").path("get"));
    procedures.add(raw.path("config").path("set"));
    procedures.add(raw.path("properties"));
    procedures.add(raw.path("backup").path("create"));
    procedures.add(raw.path("backup").path("restore"));
    raw.path("migrations").path("to").forEach(procedures::add);
    raw.path("migrations").path("from").forEach(procedures::add);
    raw.path("actions").forEach(a -> procedures.add(a.path("implementation")));
    Set<V1Image> images =
        new TreeSet<>(java.util.Comparator.comparing(V1Image::id).thenComparing(V1Image::system));
    for (JsonNode p : procedures) {
      if ("docker".equals(p.path("type").asText())) {
        String image = Json.string(p, "image", "v1 docker procedure");
        if (!image.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
          throw new S9pkException("v1 manifest names a bad image id \"" + image + "\"");
        }
        images.add(new V1Image(image, p.path("system").asBoolean(false)));
      }
    }
    return images;
  }

  // best effort, so a failed clean-up never hides why the conversion failed
  private static void cleanUp(Path path) {
    try {
      ImageUnpacker.delete(path);
    } catch (S9pkException e) {
      // a leftover temp file; the cause of the failure matters more
    }
  }

  private static Path toFile(ByteSource source, Path file) {
    try (InputStream in = source.stream()) {
      Files.copy(in, file);
      return file;
    } catch (IOException e) {
      throw new S9pkException("cannot copy a v1 section to " + file + ": " + e.getMessage(), e);
    }
  }

  /** The v2 manifest for a v1 one (kebab-case fields), following StartOS's mapping. */
  public static Manifest manifest(JsonNode v1) {
    return Manifest.parse(Json.write(manifestJson(v1)));
  }

  private static ObjectNode manifestJson(JsonNode v1) {
    String what = "v1 manifest";
    String id = Json.string(v1, "id", what);
    String title = Json.string(v1, "title", what);
    String version = version(Json.string(v1, "version", what), id, title);
    id =
        switch (id) {
          case "nostr" -> "nostr-rs-relay";
          case "ghost" -> "ghost-legacy";
          case "synapse" -> "synapse-legacy";
          case "monerod" -> "monerod-legacy";
          case "fedimintd" -> "fedimint-guardian";
          default -> id;
        };
    ObjectNode o = Json.NODES.objectNode();
    o.put("id", id);
    o.put("version", version);
    o.putArray("satisfies");
    o.put("canMigrateTo", "!");
    o.put("canMigrateFrom", "*");
    o.put("title", title + " (Legacy)");
    JsonNode desc = Json.required(v1, "description", what);
    ObjectNode d = o.putObject("description");
    d.set("short", Json.required(desc, "short", what + " description"));
    d.set("long", Json.required(desc, "long", what + " description"));
    o.put("releaseNotes", Json.string(v1, "release-notes", what));
    o.set("gitHash", Json.nullable(Json.optString(v1, "git-hash", what)));
    o.put("license", Json.string(v1, "license", what));
    String upstream = Json.string(v1, "upstream-repo", what);
    o.put("packageRepo", Json.string(v1, "wrapper-repo", what));
    o.put("upstreamRepo", upstream);
    o.put("marketingUrl", Json.optString(v1, "marketing-site", what).orElse(upstream));
    o.set("donationUrl", Json.nullable(Json.optString(v1, "donation-url", what)));
    o.put("osVersion", Json.string(v1, "eos-version", what));
    o.putNull("sdkVersion");
    JsonNode main = v1.path("main");
    o.put(
        "hardwareAcceleration",
        "docker".equals(main.path("type").asText()) && main.path("gpu-acceleration").asBoolean());
    o.put("userspaceFilesystems", false);
    o.put("virtualNetworking", false);
    o.putArray("plugins");
    o.putObject("images");
    TreeSet<String> volumes = new TreeSet<>();
    Json.object(v1.get("volumes"), "volumes", what)
        .forEach((vid, v) -> {
          if ("data".equals(v.path("type").asText())) {
            volumes.add(vid);
          }
        });
    volumes.add("embassy");
    o.set("volumes", Json.array(List.copyOf(volumes)));
    ObjectNode deps = o.putObject("dependencies");
    Json.object(v1.get("dependencies"), "dependencies", what)
        .forEach((dep, info) -> {
          ObjectNode di = deps.putObject(dep);
          di.set("description", Json.nullable(Json.optString(info, "description", what)));
          di.put("optional", !"required".equals(info.path("requirement").path("type").asText()));
        });
    JsonNode hw = v1.path("hardware-requirements");
    ObjectNode h = o.putObject("hardwareRequirements");
    ArrayNode devices = h.putArray("device");
    for (Map.Entry<String, JsonNode> e : Json.object(hw.get("device"), "device", what).entrySet()) {
      ObjectNode f = devices.addObject();
      f.put(
          "description",
          "a " + e.getKey() + " device matching the expression " + e.getValue().asText());
      f.put("class", e.getKey());
      f.put("product", e.getValue().asText());
    }
    h.set("ram", hw.hasNonNull("ram") ? hw.get("ram") : Json.NODES.nullNode());
    h.set("arch", hw.hasNonNull("arch") ? hw.get("arch") : Json.NODES.nullNode());
    return o;
  }

  /** emver {@code a.b.c[.d]} to exver {@code a.b.c:d}, with StartOS's per-package fix-ups. */
  static String version(String emver, String id, String title) {
    String[] parts = emver.split("\\.");
    if (parts.length < 1 || parts.length > 4) {
      throw new S9pkException("v1 version '" + emver + "' is not major.minor.patch[.revision]");
    }
    for (String p : parts) {
      if (!p.matches("0|[1-9][0-9]*")) {
        throw new S9pkException("v1 version '" + emver + "' is not numeric");
      }
    }
    String up =
        (parts.length > 0 ? parts[0] : "0")
            + "."
            + (parts.length > 1 ? parts[1] : "0")
            + "."
            + (parts.length > 2 ? parts[2] : "0");
    String down = parts.length > 3 ? parts[3] : "0";
    String flavor = "";
    if (id.equals("bitcoind") && title.toLowerCase(java.util.Locale.ROOT).contains("knots")) {
      flavor = "#knots:";
    } else if (id.equals("lnd") || id.equals("ride-the-lightning") || id.equals("datum")) {
      up += "-beta";
    } else if (id.equals("lightning-terminal") || id.equals("robosats")) {
      up += "-alpha";
    }
    return flavor + up + ":" + down;
  }

  private static String iconExtension(JsonNode v1) {
    String icon = v1.path("assets").path("icon").asText("");
    int dot = icon.lastIndexOf('.');
    int slash = icon.lastIndexOf('/');
    return dot > slash + 1 && dot < icon.length() - 1 ? icon.substring(dot + 1) : "png";
  }

  private static Path squash(Path dir, Path out) {
    Squashfs.pack(dir, out);
    return out;
  }
}
