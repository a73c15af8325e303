package startos.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A tiny package directory written by hand, as a developer's checkout would look after a build. */
final class TestPackage {
  static final byte[] PNG = {
    (byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R'
  };

  private TestPackage() {}

  static String hostArch() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> a;
    };
  }

  static String manifestJs(String id, String imageSource) {
    return manifestJs(id, imageSource, hostArch());
  }

  static String manifestJs(String id, String imageSource, String arch) {
    return """
    module.exports = {
      manifest: {
        id: "%s", title: "Hello Test", version: "1.0.0:0", satisfies: [],
        canMigrateTo: "!", canMigrateFrom: "*", license: "MIT",
        packageRepo: "https://example.com/pkg", upstreamRepo: "https://example.com/up",
        marketingUrl: "https://example.com", donationUrl: null,
        description: { short: { en_US: "short" }, long: { en_US: "long text" } },
        releaseNotes: { en_US: "first" }, gitHash: null, osVersion: "0.4.0", sdkVersion: "2.0.0",
        hardwareAcceleration: false, userspaceFilesystems: false, virtualNetworking: false, plugins: [],
        images: { main: { source: %s, arch: ["%s"], emulateMissingAs: null, nvidiaContainer: false } },
        volumes: ["main"], dependencies: {},
        hardwareRequirements: { device: [], ram: null, arch: ["%s"] }
      },
      init: async () => {}, main: async () => {}
    };
    """
        .formatted(id, imageSource, arch, arch);
  }

  /** Writes the package; returns its directory. */
  static Path write(Path dir, String id, String imageSource) throws IOException {
    return write(dir.resolve("pkg"), id, imageSource, hostArch());
  }

  static Path write(Path pkgDir, String id, String imageSource, String arch) throws IOException {
    Path pkg = Files.createDirectories(pkgDir);
    Files.createDirectories(pkg.resolve("javascript"));
    Files.writeString(pkg.resolve("javascript/index.js"), manifestJs(id, imageSource, arch));
    Files.write(pkg.resolve("icon.png"), PNG);
    Files.writeString(pkg.resolve("LICENSE.md"), "MIT License\n");
    Files.writeString(pkg.resolve("instructions.md"), "# How to use\n");
    Files.createDirectories(pkg.resolve("assets"));
    Files.writeString(pkg.resolve("assets/readme.txt"), "asset");
    return pkg;
  }

  static Path busyboxRootfs(Path dir) throws IOException {
    Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
    Files.copy(Path.of("/usr/bin/busybox"), rootfs.resolve("busybox"));
    return dir.resolve("rootfs");
  }

  static String run(Path cwd, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(List.of(command))
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
