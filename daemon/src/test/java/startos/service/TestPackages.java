package startos.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.S9pkBuilder;

/**
 * Builds the hello-test package (src/test/resources/startos/service/hello/index.js) with the real
 * SDK: bundled by the container runtime's esbuild, a busybox image, signed with one key per build
 * directory.
 */
public final class TestPackages {
  public static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  public static final Path REPO = ROOT.getParent();
  public static final Path RUNTIME_DIR = REPO.resolve("container-runtime");
  public static final Path RUNTIME_IMAGE =
      RUNTIME_DIR.resolve("build/image/idmapped/rootfs.squashfs");
  private static final Path OUT = ROOT.resolve("target/test-packages");
  // kept beside the packages it signed: they are reused by the next test JVM, and a package of
  // another version signed with a fresh key would be refused as another developer's update
  private static final DeveloperKey KEY = keyOf(OUT.resolve("developer.key.pem"));

  private TestPackages() {}

  private static synchronized DeveloperKey keyOf(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        return DeveloperKey.load(file);
      }
      Files.createDirectories(file.getParent());
      // packages from before the key was kept were signed with a key nobody has any more
      try (var stale = Files.newDirectoryStream(file.getParent(), "*.s9pk")) {
        for (Path p : stale) {
          Files.delete(p);
        }
      }
      DeveloperKey key = DeveloperKey.generate();
      key.save(file);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Options of one build. {@code waitsInInit}: init writes {@code init-waiting} into volume main
   * and then waits until {@code init-go} appears there (a seam to hold an install in its init).
   */
  public record Variant(
      String version,
      String other,
      boolean initFails,
      boolean stubborn,
      boolean waitsInInit,
      boolean hostileImage) {
    public Variant(String version, String other, boolean initFails, boolean stubborn) {
      this(version, other, initFails, stubborn, false, false);
    }

    public Variant waitingInInit() {
      return new Variant(version, other, initFails, stubborn, true, hostileImage);
    }

    /**
     * Its image carries what a hostile package would ship: {@code /dev/hostdisk}, a block node of
     * the host's root disk, {@code /dev/mem} (char 1:1), a fifo {@code /tmp/fifo}, {@code
     * /bin/euid} (prints its effective uid) setuid root, and {@code /bin/capable} with a file
     * capability (cap_sys_admin) in its xattrs.
     */
    public Variant withHostileImage() {
      return new Variant(version, other, initFails, stubborn, waitsInInit, true);
    }

    public static Variant v1() {
      return new Variant("1.0.0:0", "0.9.0:0", false, false);
    }

    public static Variant v09() {
      return new Variant("0.9.0:0", "", false, false);
    }

    public String fileName() {
      return "hello-test-"
          + version.replace(':', '_')
          + (initFails ? "-initfails" : "")
          + (stubborn ? "-stubborn" : "")
          + (waitsInInit ? "-waits" : "")
          + (hostileImage ? "-hostile" : "")
          + ".s9pk";
    }
  }

  /** Whether the tools to build and run packages are here (node, esbuild, the runtime image). */
  public static boolean available() {
    return Files.isRegularFile(RUNTIME_IMAGE)
        && Files.isExecutable(RUNTIME_DIR.resolve("node_modules/.bin/esbuild"))
        && Files.isExecutable(Path.of("/bin/busybox"));
  }

  public static synchronized Path build(Variant v) {
    try {
      Files.createDirectories(OUT);
      Path out = OUT.resolve(v.fileName());
      if (Files.exists(out)) {
        return out;
      }
      Path work = Files.createTempDirectory(OUT, "build-");
      String src =
          Files.readString(ROOT.resolve("src/test/resources/startos/service/hello/index.js"))
              .replace("__VERSION__", v.version())
              .replace("__OTHER__", v.other())
              .replace("__INIT_FAILS__", Boolean.toString(v.initFails()))
              .replace("__STUBBORN__", Boolean.toString(v.stubborn()))
              .replace("__WAITS_IN_INIT__", Boolean.toString(v.waitsInInit()));
      Files.writeString(work.resolve("src.js"), src);
      Path js = work.resolve("js");
      Files.createDirectories(js);
      run(
          List.of(
              RUNTIME_DIR.resolve("node_modules/.bin/esbuild").toString(),
              work.resolve("src.js").toString(),
              "--bundle",
              "--platform=node",
              "--log-level=error",
              "--outfile=" + js.resolve("index.js")),
          RUNTIME_DIR.resolve("node_modules").toString());
      String manifest =
          run(
              List.of(
                  "node",
                  "-e",
                  "process.stdout.write(JSON.stringify(require(process.argv[1]).manifest))",
                  js.resolve("index.js").toString()),
              "");
      manifest = manifest.replace("{\"dockerTag\":\"busybox:latest\"}", "\"packed\"");
      Path jsSquash = work.resolve("javascript.squashfs");
      squash(js, jsSquash);
      Path image = work.resolve("image");
      for (String d : List.of("bin", "etc", "tmp", "proc", "dev", "sys", "data")) {
        Files.createDirectories(image.resolve(d));
      }
      Files.copy(Path.of("/bin/busybox"), image.resolve("bin/busybox"));
      for (String a :
          List.of(
              "sh", "httpd", "mkdir", "echo", "sleep", "cat", "test", "[", "ls", "touch", "true")) {
        Files.createSymbolicLink(image.resolve("bin").resolve(a), Path.of("busybox"));
      }
      Files.writeString(image.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
      Files.writeString(image.resolve("etc/group"), "root:x:0:\n");
      if (v.hostileImage()) {
        plantHostileFiles(image, work);
      }
      Path imageSquash = work.resolve("main.squashfs");
      squash(image, imageSquash);
      S9pkBuilder.create()
          .add("manifest.json", manifest.getBytes(StandardCharsets.UTF_8))
          .add("icon.png", new byte[] {(byte) 0x89, 'P', 'N', 'G'})
          .add("LICENSE.md", "MIT".getBytes(StandardCharsets.UTF_8))
          .add("javascript.squashfs", jsSquash)
          .add("images/x86_64/main.squashfs", imageSquash)
          .add(
              "images/x86_64/main.json",
              "{\"workdir\":\"/\",\"user\":\"root\"}".getBytes(StandardCharsets.UTF_8))
          .add("images/x86_64/main.env", "PATH=/bin\n".getBytes(StandardCharsets.UTF_8))
          .write(out, KEY);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A signed package of the same content with a manifest for another architecture only. */
  public static Path buildForArch(String arch) {
    Path out = OUT.resolve("hello-test-" + arch + ".s9pk");
    if (Files.exists(out)) {
      return out;
    }
    Path base = build(Variant.v1());
    try (var archive = startos.s9pk.merkle.S9pkArchive.open(base)) {
      String manifest =
          new String(archive.read("manifest.json"), StandardCharsets.UTF_8)
              .replace(
                  "\"arch\":[\"x86_64\"],\"emulateMissingAs\":\"x86_64\"",
                  "\"arch\":[\"" + arch + "\"],\"emulateMissingAs\":null");
      S9pkBuilder.create()
          .add("manifest.json", manifest.getBytes(StandardCharsets.UTF_8))
          .add("icon.png", archive.read("icon.png"))
          .add("LICENSE.md", archive.read("LICENSE.md"))
          .add("javascript.squashfs", archive.read("javascript.squashfs"))
          .add("images/" + arch + "/main.squashfs", archive.read("images/x86_64/main.squashfs"))
          .add("images/" + arch + "/main.json", archive.read("images/x86_64/main.json"))
          .add("images/" + arch + "/main.env", archive.read("images/x86_64/main.env"))
          .write(out, KEY);
      return out;
    }
  }

  /** The device of the host's root filesystem as {@code major minor}. */
  public static List<String> rootDisk() {
    try {
      long dev = (Long) Files.getAttribute(Path.of("/"), "unix:dev");
      long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
      long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
      return List.of(Long.toString(major), Long.toString(minor));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void plantHostileFiles(Path image, Path work) throws IOException {
    List<String> disk = rootDisk();
    run(
        List.of("mknod", image.resolve("dev/hostdisk").toString(), "b", disk.get(0), disk.get(1)),
        "");
    run(List.of("chmod", "666", image.resolve("dev/hostdisk").toString()), "");
    run(List.of("mknod", "-m", "666", image.resolve("dev/mem").toString(), "c", "1", "1"), "");
    run(List.of("mkfifo", image.resolve("tmp/fifo").toString()), "");
    Path src = work.resolve("euid.c");
    Files.writeString(
        src,
        "#include <stdio.h>\n#include <unistd.h>\n"
            + "int main(void) { printf(\"%d\\n\", (int)geteuid()); return 0; }\n");
    run(
        List.of("cc", "-static", "-O2", "-o", image.resolve("bin/euid").toString(), src.toString()),
        "");
    run(List.of("chmod", "4755", image.resolve("bin/euid").toString()), "");
    Files.copy(Path.of("/bin/busybox"), image.resolve("bin/capable"));
    run(List.of("setcap", "cap_sys_admin+ep", image.resolve("bin/capable").toString()), "");
  }

  private static void squash(Path dir, Path out) {
    run(
        List.of(
            "mksquashfs",
            dir.toString(),
            out.toString(),
            "-noappend",
            "-quiet",
            "-no-progress",
            "-comp",
            "gzip"),
        "");
  }

  private static String run(List<String> command, String nodePath) {
    try {
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
      if (!nodePath.isEmpty()) {
        pb.environment().put("NODE_PATH", nodePath);
      }
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(command.get(0) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
