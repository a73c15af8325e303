package startos.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.service.PackageLayout;
import startos.service.TestPackages;

/** The seams a cancelled install stops at before its init: verification, unpack and its tools. */
class InstallCancelTest {
  @TempDir Path dir;

  private static void assertCancelled(Throwable t) {
    assertThat(t)
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CANCELLED));
  }

  @Test
  void aCancelAfterCommitIsRefusedAndACommitAfterCancelFails() {
    InstallProgress committed = InstallProgress.local();
    assertThat(committed.commit()).isTrue();
    assertThat(committed.cancel()).isFalse();
    InstallProgress cancelled = InstallProgress.local();
    List<String> ran = new java.util.ArrayList<>();
    try (var hook = cancelled.onCancel(() -> ran.add("hook"))) {
      assertThat(cancelled.cancel()).isTrue();
    }
    assertThat(ran).containsExactly("hook");
    assertThat(cancelled.commit()).isFalse();
    assertThatThrownBy(cancelled::checkCancelled)
        .satisfies(InstallCancelTest::assertCancelled)
        .hasMessageContaining("cancelled");
    InstallProgress failed = InstallProgress.local();
    failed.fail("broken");
    assertThat(failed.cancel()).as("nothing left to cancel").isFalse();
  }

  @Test
  void cancellingKillsTheRunningToolAtOnce() throws Exception {
    InstallProgress progress = InstallProgress.local();
    CompletableFuture<Void> run =
        CompletableFuture.runAsync(
            () -> Installer.runTool("wait", List.of("sleep", "30"), progress));
    Thread.sleep(300);
    long t0 = System.nanoTime();
    assertThat(progress.cancel()).isTrue();
    assertThatThrownBy(() -> run.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(RpcException.class)
        .satisfies(e -> assertCancelled(e.getCause()));
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
  }

  @Test
  void theFirstBytesOfAnUploadNameItsPackageOnceTheManifestIsIn() throws Exception {
    assumeTrue(TestPackages.available(), "needs node and the runtime's npm packages");
    byte[] s9pk = Files.readAllBytes(TestPackages.build(TestPackages.Variant.v1()));
    Path partial = dir.resolve("partial.s9pk");
    Files.write(partial, java.util.Arrays.copyOf(s9pk, 1 << 20));
    assertThat(UploadPrefix.packageId(partial, 1 << 20, s9pk.length)).contains("hello-test");
    assertThat(UploadPrefix.packageId(partial, 100, s9pk.length)).isEmpty();
    Files.writeString(partial, "not an s9pk at all");
    assertThat(UploadPrefix.packageId(partial, 18, 1000)).isEmpty();
  }

  @Test
  void aCancelledVerificationOrUnpackStopsWithCancelledAndWritesNothingMore() throws Exception {
    assumeTrue(TestPackages.available(), "needs node and the runtime's npm packages");
    Path file = TestPackages.build(TestPackages.Variant.v1());
    Installer installer = new Installer("x86_64", 100_000);
    assertThat(installer.peekId(file)).isEqualTo("hello-test");

    InstallProgress early = InstallProgress.local();
    early.cancel();
    assertThatThrownBy(() -> installer.verify(file, early))
        .satisfies(InstallCancelTest::assertCancelled);

    InstallProgress later = InstallProgress.local();
    VerifiedPackage pkg = installer.verify(file, later);
    try (var archive = pkg.archive()) {
      later.cancel();
      PackageLayout target = new PackageLayout(dir.resolve("pkg"));
      assertThatThrownBy(() -> installer.unpack(pkg, target, later))
          .satisfies(InstallCancelTest::assertCancelled);
      assertThat(Files.exists(target.javascript())).isFalse();
      assertThat(Files.exists(target.images())).isFalse();
    }
  }
}
