package startos.s9pk.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Builds {@code docker save} tarballs and v1 {@code docker_images} sections with real tar. */
final class V1Images {
  static final String TAG = "start9/hello-world/main:0.3.6.2";

  private V1Images() {}

  static void run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
  }

  static boolean toolsPresent() {
    try {
      return new ProcessBuilder("mksquashfs", "-version").start().waitFor() == 0
          && new ProcessBuilder("unsquashfs", "-help").start().waitFor() >= 0
          && new ProcessBuilder("tar", "--version").start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** Layer 1: bin/tool, etc/old.conf, etc/kept.conf; layer 2 whites out old.conf, adds new.conf. */
  static List<Path> layers(Path dir, String marker) throws Exception {
    Path l1 = dir.resolve("l1-" + marker);
    Files.createDirectories(l1.resolve("bin"));
    Files.writeString(l1.resolve("bin/tool"), "#!/bin/sh\necho " + marker + "\n");
    Files.createDirectories(l1.resolve("etc"));
    Files.writeString(l1.resolve("etc/old.conf"), "old");
    Files.writeString(l1.resolve("etc/kept.conf"), "kept");
    Path l2 = dir.resolve("l2-" + marker);
    Files.createDirectories(l2.resolve("etc"));
    Files.writeString(l2.resolve("etc/.wh.old.conf"), "");
    Files.writeString(l2.resolve("etc/new.conf"), "new " + marker);
    Path t1 = dir.resolve("layer1-" + marker + ".tar");
    Path t2 = dir.resolve("layer2-" + marker + ".tar");
    run(dir, "tar", "-cf", t1.toString(), "-C", l1.toString(), ".");
    run(dir, "tar", "-cf", t2.toString(), "-C", l2.toString(), ".");
    return List.of(t1, t2);
  }

  /** A {@code docker save} tarball (Docker 25+ shape: blobs/sha256) of {@code layers}. */
  static Path dockerSave(Path dir, String name, String dockerArch, List<Path> layers)
      throws Exception {
    Path root = dir.resolve("save-" + name);
    Path blobs = Files.createDirectories(root.resolve("blobs/sha256"));
    ObjectNode config = Json.NODES.objectNode();
    config.put("architecture", dockerArch).put("os", "linux");
    ObjectNode c = config.putObject("config");
    c.putArray("Env").add("PATH=/bin").add("GREETING=hello " + name);
    c.put("WorkingDir", "/srv").put("User", "1000");
    c.putArray("Entrypoint").add("/bin/tool");
    c.putArray("Cmd").add("serve");
    String configName = blob(blobs, Json.write(config));
    List<String> layerNames = new ArrayList<>();
    for (Path l : layers) {
      layerNames.add("blobs/sha256/" + blob(blobs, Files.readAllBytes(l)));
    }
    ObjectNode entry = Json.NODES.objectNode();
    entry.put("Config", "blobs/sha256/" + configName);
    entry.putArray("RepoTags").add(TAG);
    entry.set("Layers", Json.array(layerNames));
    Files.write(root.resolve("manifest.json"), Json.write(Json.NODES.arrayNode().add(entry)));
    Path tar = dir.resolve(name + ".tar");
    run(dir, "tar", "-cf", tar.toString(), "-C", root.toString(), ".");
    return tar;
  }

  /** A multi-arch {@code docker_images} section: multiarch.cbor plus {@code <arch>.tar} each. */
  static byte[] multiArch(Path dir, Map<String, Path> perArch) throws Exception {
    Path root = Files.createDirectories(dir.resolve("multiarch"));
    ObjectNode m = Json.NODES.objectNode();
    m.put("default", perArch.keySet().iterator().next());
    m.set("available", Json.array(new ArrayList<>(perArch.keySet())));
    Files.write(root.resolve("multiarch.cbor"), new CBORMapper().writeValueAsBytes(m));
    List<String> cmd = new ArrayList<>(List.of("tar", "-cf", "../docker_images.tar"));
    cmd.add("multiarch.cbor");
    for (Map.Entry<String, Path> e : perArch.entrySet()) {
      Files.copy(e.getValue(), root.resolve(e.getKey() + ".tar"));
      cmd.add(e.getKey() + ".tar");
    }
    run(root, cmd.toArray(String[]::new));
    return Files.readAllBytes(dir.resolve("docker_images.tar"));
  }

  private static String blob(Path blobs, byte[] content) throws Exception {
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    Files.write(blobs.resolve(hex), content);
    return hex;
  }

  /** Lists and extracts a squashfs image with unsquashfs. */
  static Path unsquash(Path dir, byte[] squashfs, String name) throws Exception {
    Path file = dir.resolve(name + ".squashfs");
    Files.write(file, squashfs);
    Path out = dir.resolve(name + "-unsquashed");
    run(dir, "unsquashfs", "-q", "-n", "-d", out.toString(), file.toString());
    return out;
  }
}
