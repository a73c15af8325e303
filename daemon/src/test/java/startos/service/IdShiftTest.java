package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.container.IdRanges;

/**
 * Moving a package's files between host id ranges (lchown as root, which the suite runs as): what
 * moves, what stays, and that a symlink planted in a volume is changed itself, never its target.
 */
class IdShiftTest {
  private static final int LEGACY = 100_000;
  private static final int OWN = (int) IdRanges.DEFAULT_BASE + 7 * IdRanges.SIZE;
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  @TempDir Path tmp;
  private PackageLayout layout;

  @BeforeEach
  void layout() throws IOException {
    layout = PackageLayout.of(tmp.resolve("data"), "shifted");
    Files.createDirectories(layout.volumes().resolve("main/db"));
    Files.createDirectories(layout.images().resolve("main/bin"));
    Files.createDirectories(layout.layers().resolve("GUID/upper"));
  }

  private static Path owned(Path p, int uid, int gid) throws IOException {
    if (!Files.exists(p, NOFOLLOW)) {
      Files.writeString(p, "x");
    }
    Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
    Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
    return p;
  }

  private static int uid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW);
  }

  private static int gid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:gid", NOFOLLOW);
  }

  private String marker() throws IOException {
    return Files.readString(layout.dir().resolve("id-range")).strip();
  }

  @Test
  void filesOfTheOldRangeMoveToTheSameIdsOfTheNewRangeInVolumesImagesAndLayers()
      throws IOException {
    Path root = owned(layout.volumes().resolve("main/db/data"), LEGACY, LEGACY);
    Path user = owned(layout.volumes().resolve("main/db/user"), LEGACY + 1000, LEGACY + 1001);
    Path dir = owned(layout.volumes().resolve("main/db"), LEGACY + 70, LEGACY + 70);
    Path image = owned(layout.images().resolve("main/bin/tool"), LEGACY + 5, LEGACY);
    Path upper = owned(layout.layers().resolve("GUID/upper/changed"), LEGACY + 65_535, LEGACY);

    IdShift.migrate(layout, LEGACY, OWN);

    assertThat(uid(root)).isEqualTo(OWN);
    assertThat(gid(root)).isEqualTo(OWN);
    assertThat(uid(user)).isEqualTo(OWN + 1000);
    assertThat(gid(user)).isEqualTo(OWN + 1001);
    assertThat(uid(dir)).isEqualTo(OWN + 70);
    assertThat(uid(image)).isEqualTo(OWN + 5);
    assertThat(uid(upper)).isEqualTo(OWN + 65_535);
    assertThat(marker()).isEqualTo(Integer.toString(OWN));
  }

  @Test
  void idsOutsideTheOldRangeAreLeftAlone() throws IOException {
    Path host = owned(layout.volumes().resolve("main/host-root"), 0, 0);
    Path below = owned(layout.volumes().resolve("main/below"), LEGACY - 1, LEGACY - 1);
    Path above = owned(layout.volumes().resolve("main/above"), LEGACY + 65_536, LEGACY + 65_536);
    Path mixed = owned(layout.volumes().resolve("main/mixed"), LEGACY + 3, 0);

    IdShift.migrate(layout, LEGACY, OWN);

    assertThat(uid(host)).isZero();
    assertThat(gid(host)).isZero();
    assertThat(uid(below)).isEqualTo(LEGACY - 1);
    assertThat(uid(above)).isEqualTo(LEGACY + 65_536);
    assertThat(gid(above)).isEqualTo(LEGACY + 65_536);
    assertThat(uid(mixed)).isEqualTo(OWN + 3);
    assertThat(gid(mixed)).as("a gid outside the range stays with a shifted uid").isZero();
  }

  @Test
  void aSymlinkInAVolumeIsShiftedItselfAndItsTargetOutsideIsNot() throws IOException {
    Path outside = owned(tmp.resolve("host-file"), LEGACY, LEGACY);
    Path outsideDir = Files.createDirectories(tmp.resolve("host-dir"));
    owned(outsideDir.resolve("inner"), LEGACY + 9, LEGACY + 9);
    owned(outsideDir, LEGACY, LEGACY);
    Path link = layout.volumes().resolve("main/link");
    Files.createSymbolicLink(link, outside);
    owned(link, LEGACY + 2, LEGACY + 2);
    Path dirLink = layout.volumes().resolve("main/dir-link");
    Files.createSymbolicLink(dirLink, outsideDir);
    owned(dirLink, LEGACY, LEGACY);

    IdShift.migrate(layout, LEGACY, OWN);

    assertThat(uid(link)).isEqualTo(OWN + 2);
    assertThat(uid(dirLink)).isEqualTo(OWN);
    assertThat(uid(outside)).as("the file the planted link points to").isEqualTo(LEGACY);
    assertThat(uid(outsideDir)).isEqualTo(LEGACY);
    assertThat(uid(outsideDir.resolve("inner")))
        .as("not walked through the link")
        .isEqualTo(LEGACY + 9);
  }

  @Test
  void setuidAndSetgidBitsSurviveTheChownThatClearsThem() throws IOException {
    Path tool = owned(layout.images().resolve("main/bin/su"), LEGACY, LEGACY);
    Files.setAttribute(tool, "unix:mode", 06755, NOFOLLOW);

    IdShift.migrate(layout, LEGACY, OWN);

    assertThat(uid(tool)).isEqualTo(OWN);
    assertThat((Integer) Files.getAttribute(tool, "unix:mode", NOFOLLOW) & 07777).isEqualTo(06755);
  }

  @Test
  void theRecordedRangeIsWhereFilesMoveFromAndASecondMigrationChangesNothing() throws IOException {
    int earlier = (int) IdRanges.DEFAULT_BASE + 2 * IdRanges.SIZE;
    Files.createDirectories(layout.dir());
    Files.writeString(layout.dir().resolve("id-range"), earlier + "\n");
    Path recorded = owned(layout.volumes().resolve("main/recorded"), earlier + 4, earlier + 4);
    Path legacyLooking = owned(layout.volumes().resolve("main/legacy"), LEGACY, LEGACY);

    IdShift.migrate(layout, LEGACY, OWN);
    assertThat(uid(recorded)).isEqualTo(OWN + 4);
    assertThat(uid(legacyLooking))
        .as("the files are in the recorded range; a legacy id is not the package's any more")
        .isEqualTo(LEGACY);

    // the files a running package writes after the migration are its own ids: they stay
    Path written = owned(layout.volumes().resolve("main/written"), OWN + 4, OWN + 4);
    IdShift.migrate(layout, LEGACY, OWN);
    assertThat(uid(recorded)).isEqualTo(OWN + 4);
    assertThat(uid(written)).isEqualTo(OWN + 4);
    assertThat(uid(legacyLooking)).isEqualTo(LEGACY);
    assertThat(marker()).isEqualTo(Integer.toString(OWN));
  }

  @Test
  void aPackageWithoutFilesJustRecordsItsRange() throws IOException {
    PackageLayout empty = PackageLayout.of(tmp.resolve("data"), "fresh");
    Files.createDirectories(empty.dir());
    IdShift.migrate(empty, LEGACY, OWN);
    assertThat(Files.readString(empty.dir().resolve("id-range")).strip())
        .isEqualTo(Integer.toString(OWN));
  }

  @Test
  void aGarbledRecordIsAClearError() throws IOException {
    Files.createDirectories(layout.dir());
    Files.writeString(layout.dir().resolve("id-range"), "not a number\n");
    assertThatThrownBy(() -> IdShift.migrate(layout, LEGACY, OWN))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(
            "cannot move the files of " + layout.dir() + " to the id range " + OWN);
  }
}
