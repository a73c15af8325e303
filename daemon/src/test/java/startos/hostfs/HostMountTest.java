package startos.hostfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The native host-mount helper on a real filesystem, with a package that plants symlinks on both
 * sides: nothing may be mounted over or read from the canary outside its directories.
 */
class HostMountTest {
  @TempDir Path dir;
  private Path volumes;
  private Path subcontainers;
  private Path canary;

  @BeforeEach
  void setUp() throws IOException {
    assertThat(HostMount.TOOL)
        .as("start-container/build/host-mount (built by scripts/setup-host.sh)")
        .isPresent();
    volumes = Files.createDirectories(dir.resolve("volumes"));
    Files.createDirectories(volumes.resolve("main/www"));
    Files.writeString(volumes.resolve("main/www/index.html"), "Hello");
    Files.writeString(volumes.resolve("main/config.json"), "{}");
    subcontainers = Files.createDirectories(dir.resolve("subcontainers/GUID"));
    subcontainers = dir.resolve("subcontainers");
    canary = Files.createDirectories(dir.resolve("canary"));
    Files.writeString(canary.resolve("shadow"), "host secret");
  }

  @AfterEach
  void unmountAll() throws Exception {
    for (int i = 0; i < 5 && SafeTree.mountedUnder(dir).isPresent(); i++) {
      run("umount", "-l", SafeTree.mountedUnder(dir).get().toString());
    }
  }

  @Test
  void aReadOnlyDirectoryMountIsReadOnlyNosuidNodevFromTheStart() throws Exception {
    HostMount.bind(volumes, "main/www", subcontainers, "GUID/srv/www", true, "mount");

    Path target = subcontainers.resolve("GUID/srv/www");
    assertThat(target.resolve("index.html")).hasContent("Hello");
    assertThatThrownBy(() -> Files.writeString(target.resolve("new"), "x"))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("Read-only file system");
    assertThat(options(target)).contains("ro", "nosuid", "nodev");
  }

  @Test
  void aFileIsMountedOnAFileTheHelperCreates() throws Exception {
    HostMount.bind(volumes, "main/config.json", subcontainers, "GUID/etc/app.json", false, "mount");

    Path target = subcontainers.resolve("GUID/etc/app.json");
    assertThat(target).isRegularFile().hasContent("{}");
    Files.writeString(target, "{\"rw\":true}");
    assertThat(volumes.resolve("main/config.json")).hasContent("{\"rw\":true}");
    assertThat(options(target)).contains("rw", "nosuid", "nodev");
  }

  @Test
  void aFileIsMountedWhereTheSdkPreparedAnEmptyDirectory() throws Exception {
    Files.createDirectories(subcontainers.resolve("GUID/etc/app.json"));
    HostMount.bind(volumes, "main/config.json", subcontainers, "GUID/etc/app.json", true, "mount");
    assertThat(subcontainers.resolve("GUID/etc/app.json")).isRegularFile().hasContent("{}");

    Files.createDirectories(subcontainers.resolve("GUID/full/keep"));
    assertThatThrownBy(() ->
            HostMount.bind(volumes, "main/config.json", subcontainers, "GUID/full", true, "mount"))
        .hasMessage("mount refused: target GUID/full is not a regular file");
    assertThat(subcontainers.resolve("GUID/full/keep")).isDirectory();
  }

  @Test
  void aVolumeRootThatIsASymlinkIsRefused() throws IOException {
    Files.createSymbolicLink(volumes.resolve("evil"), canary);

    assertThatThrownBy(
            () -> HostMount.bind(volumes, "evil", subcontainers, "GUID/data", true, "mount of x"))
        .isInstanceOf(RpcException.class)
        .hasMessage("mount of x refused: source evil is a symlink; symlinks are not followed")
        .satisfies(e -> assertThat(((RpcException) e).kind()).isEqualTo(ErrorKind.INVALID_REQUEST));
    assertThat(SafeTree.mountedUnder(dir)).isEmpty();
  }

  @Test
  void aSymlinkInsideTheSourcePathIsRefusedEvenWhenItStaysInside() throws IOException {
    Files.createSymbolicLink(volumes.resolve("main/escape"), canary.resolve("shadow"));
    Files.createSymbolicLink(volumes.resolve("main/inner"), Path.of("www"));

    assertThatThrownBy(
            () -> HostMount.bind(volumes, "main/escape", subcontainers, "GUID/f", true, "m"))
        .hasMessage("m refused: source main/escape is a symlink; symlinks are not followed");
    assertThatThrownBy(() ->
            HostMount.bind(volumes, "main/inner/index.html", subcontainers, "GUID/f", true, "m"))
        .hasMessage("m refused: source main/inner is a symlink; symlinks are not followed");
    assertThat(SafeTree.mountedUnder(dir)).isEmpty();
  }

  @Test
  void aSymlinkedMountPointIsRefusedAndNothingAppearsWhereItPoints() throws IOException {
    Files.createSymbolicLink(subcontainers.resolve("GUID/link"), canary);

    assertThatThrownBy(() -> HostMount.bind(volumes, "main", subcontainers, "GUID/link", true, "m"))
        .hasMessage("m refused: target GUID/link is a symlink; symlinks are not followed");
    assertThatThrownBy(
            () -> HostMount.bind(volumes, "main", subcontainers, "GUID/link/deeper", true, "m"))
        .hasMessage("m refused: target GUID/link is a symlink; symlinks are not followed");
    Files.createSymbolicLink(subcontainers.resolve("GUID/file-link"), canary.resolve("shadow"));
    assertThatThrownBy(() ->
            HostMount.bind(volumes, "main/config.json", subcontainers, "GUID/file-link", true, "m"))
        .hasMessage("m refused: target GUID/file-link is a symlink; symlinks are not followed");

    assertThat(SafeTree.mountedUnder(dir)).isEmpty();
    assertThat(canary.resolve("deeper")).doesNotExist();
    assertThat(canary.resolve("shadow")).hasContent("host secret");
  }

  @Test
  void missingPathsAndMismatchedTypesAreNamed() throws IOException {
    Files.createDirectories(subcontainers.resolve("GUID/dir/child"));
    assertThatThrownBy(
            () -> HostMount.bind(volumes, "main/nope", subcontainers, "GUID/x", true, "m"))
        .hasMessage("m refused: source main/nope does not exist")
        .satisfies(e -> assertThat(((RpcException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
    assertThatThrownBy(() -> HostMount.bind(volumes, "main", subcontainers, "OTHER/x", true, "m"))
        .hasMessage("m refused: target OTHER does not exist");
    assertThat(subcontainers.resolve("OTHER")).doesNotExist();
    assertThatThrownBy(
            () -> HostMount.bind(volumes, "main/config.json", subcontainers, "GUID/dir", true, "m"))
        .hasMessage("m refused: target GUID/dir is not a regular file");
    assertThatThrownBy(() -> HostMount.bind(volumes, "../x", subcontainers, "GUID/x", true, "m"))
        .hasMessage("m refused: source \"../x\" must not contain '..'");
  }

  @Test
  void aFifoInTheVolumeIsNotMounted() throws Exception {
    run("mkfifo", volumes.resolve("main/pipe").toString());
    assertThatThrownBy(
            () -> HostMount.bind(volumes, "main/pipe", subcontainers, "GUID/p", true, "m"))
        .hasMessage("m refused: source main/pipe is neither a directory nor a regular file");
    assertThat(SafeTree.mountedUnder(dir)).isEmpty();
  }

  @Test
  void unmountNeverFollowsASymlinkSwappedIntoThePath() throws Exception {
    Path hostMount = Files.createDirectories(canary.resolve("m"));
    run("mount", "-t", "tmpfs", "host-canary", hostMount.toString());
    HostMount.bind(volumes, "main", subcontainers, "GUID/a/m", true, "mount");
    // the package moves its directory away and leaves a symlink to the host in its place
    Files.move(subcontainers.resolve("GUID/a"), subcontainers.resolve("GUID/b"));
    Files.createSymbolicLink(subcontainers.resolve("GUID/a"), canary);

    assertThatThrownBy(() -> HostMount.unmount(dir, "subcontainers/GUID/a/m", "unmount x"))
        .hasMessage(
            "unmount x refused: mount point subcontainers/GUID/a is a symlink; symlinks are not"
                + " followed");
    assertThat(SafeTree.mountedUnder(hostMount)).contains(hostMount);

    HostMount.unmount(dir, "subcontainers/GUID/b/m", "unmount y");
    assertThat(SafeTree.mountedUnder(subcontainers)).isEmpty();
    assertThat(SafeTree.mountedUnder(hostMount)).contains(hostMount);
  }

  /** The mount options of the mount at {@code p}, from findmnt. */
  private static List<String> options(Path p) throws Exception {
    Process proc =
        new ProcessBuilder("findmnt", "-no", "OPTIONS", "--mountpoint", p.toString()).start();
    String out = new String(proc.getInputStream().readAllBytes()).strip();
    assertThat(proc.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return List.of(out.split(","));
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
  }
}
