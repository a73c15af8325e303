package startos.s9pk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Turns a v1 s9pk into a v2 archive signed with a new key, as StartOS does on sideload ({@code
 * core/s9pk/v2/compat.rs}): manifest, LICENSE.md, icon, instructions.md, assets.squashfs and
 * javascript.squashfs (embassy.js + embassyManifest.json). Container images are not converted: that
 * needs {@code docker load} of each arch's image tarball and an export to squashfs; they are listed
 * in {@link Result#notConverted()}.
 */
public final class V1Conversion {
  /** The written archive's commitment, its manifest, and what could not be carried over. */
  public record Result(
      MerkleArchiveCommitment commitment, Manifest manifest, List<String> notConverted) {
    public Result {
      notConverted = List.copyOf(notConverted);
    }
  }

  private V1Conversion() {}

  /** Converts {@code v1} into {@code out}; {@code workDir} holds temporary trees (cleaned up). */
  public static Result convert(S9pkV1 v1, DeveloperKey key, Path workDir, Path out) {
    JsonNode raw = v1.manifest();
    Manifest manifest = manifest(raw);
    Path dir;
    try {
      dir = Files.createTempDirectory(workDir, "v1-convert");
    } catch (IOException e) {
      throw new S9pkException("cannot create a work directory in " + workDir, e);
    }
    try {
      S9pkBuilder b = S9pkBuilder.create();
      b.add("manifest.json", manifest.toJson());
      b.add("LICENSE.md", v1.bytes("license"));
      b.add("instructions.md", v1.bytes("instructions"));
      b.add("icon." + iconExtension(raw), v1.bytes("icon"));
      Path assets = dir.resolve("assets");
      Files.createDirectories(assets);
      Optional<ByteSource> tar = v1.section("assets");
      if (tar.isPresent()) {
        run(List.of("tar", "-xf", "-", "-C", assets.toString(), "--no-same-owner"), tar.get());
      }
      b.add("assets.squashfs", squash(assets, dir.resolve("assets.squashfs")));
      Path js = dir.resolve("javascript");
      Files.createDirectories(js);
      Optional<ByteSource> scripts = v1.section("scripts");
      if (scripts.isPresent()) {
        try (InputStream in = scripts.get().stream()) {
          Files.copy(in, js.resolve("embassy.js"));
        }
      }
      Files.write(js.resolve("embassyManifest.json"), Json.write(raw));
      b.add("javascript.squashfs", squash(js, dir.resolve("javascript.squashfs")));
      List<String> notConverted = new ArrayList<>();
      if (v1.section("docker_images").isPresent()) {
        notConverted.add(
            "container images (docker_images section): convert each architecture's image with"
                + " `docker load` and export it to images/<arch>/<id>.squashfs/.json/.env");
      }
      MerkleArchiveCommitment commitment = b.write(out, key);
      return new Result(commitment, manifest, notConverted);
    } catch (IOException e) {
      throw new S9pkException("v1 conversion failed: " + e.getMessage(), e);
    } finally {
      deleteTree(dir);
    }
  }

  /** The v2 manifest for a v1 one (kebab-case fields), following StartOS's mapping. */
  public static Manifest manifest(JsonNode v1) {
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
    return Manifest.parse(Json.write(o));
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
    run(List.of("mksquashfs", dir.toString(), out.toString(), "-noappend", "-quiet"), null);
    return out;
  }

  private static void run(List<String> command, ByteSource stdin) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectErrorStream(false)
              .start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          try (InputStream src = stdin.stream()) {
            src.transferTo(in);
          }
        }
      }
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new S9pkException(command.get(0) + " failed: " + err);
      }
    } catch (IOException e) {
      throw new S9pkException(
          "cannot run " + command.get(0) + " (needed for v1 conversion): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new S9pkException("interrupted while running " + command.get(0), e);
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp directory
    }
  }
}
