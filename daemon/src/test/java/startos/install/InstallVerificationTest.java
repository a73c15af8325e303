package startos.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.container.FakeContainerBackend;
import startos.http.Continuations;
import startos.notification.Notifications;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.service.ServiceManager;
import startos.service.ServiceSettings;
import startos.service.TestPackages;
import startos.ssl.CertStore;

/** Installs that must be refused before any file, container or database entry exists. */
class InstallVerificationTest {
  @TempDir Path dir;
  private PatchDb db;
  private FakeContainerBackend backend;
  private Continuations continuations;
  private ServiceManager manager;

  @BeforeEach
  void setUp() {
    assumeTrue(
        TestPackages.available(),
        "needs node and the runtime's npm packages to build the test package");
    db = PatchDb.inMemory();
    backend = new FakeContainerBackend();
    continuations = new Continuations(InstantSource.system(), Duration.ofSeconds(30));
    manager =
        new ServiceManager(
            db,
            backend,
            new CertStore(db),
            new Notifications(new startos.model.Database(db)),
            continuations,
            ServiceSettings.defaults(
                dir.toAbsolutePath(), Path.of("/nonexistent/rootfs.squashfs")));
  }

  @AfterEach
  void tearDown() {
    if (manager != null) {
      manager.close();
      continuations.close();
      db.close();
    }
  }

  private void assertNothingWritten() throws Exception {
    assertThat(db.get("/public/packageData/hello-test")).isEmpty();
    assertThat(Files.exists(dir.resolve("packages/hello-test"))).isFalse();
    assertThat(backend.calls).noneMatch(c -> c.startsWith("start"));
  }

  @Test
  void anUnsignedOrReSignedArchiveIsRejectedWithInvalidSignature() throws Exception {
    byte[] bytes = Files.readAllBytes(TestPackages.build(TestPackages.Variant.v1()));
    bytes[3 + 32 + 5] ^= 0x40; // a signature byte
    Path bad = dir.resolve("bad-signature.s9pk");
    Files.write(bad, bytes);
    assertThatThrownBy(() -> manager.install(bad))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SIGNATURE))
        .hasMessageContaining("signature");
    assertNothingWritten();
  }

  @Test
  void aFileWhoseContentDoesNotMatchItsHashIsRejected() throws Exception {
    byte[] bytes = Files.readAllBytes(TestPackages.build(TestPackages.Variant.v1()));
    bytes[bytes.length - 100] ^= 0x01;
    Path bad = dir.resolve("corrupt.s9pk");
    Files.write(bad, bytes);
    assertThatThrownBy(() -> manager.install(bad)).hasMessageContaining("hash sum mismatch");
    assertNothingWritten();
  }

  @Test
  void somethingThatIsNotAnS9pkIsRejectedWithWhatItIs() throws Exception {
    Path bad = dir.resolve("hello.txt");
    Files.writeString(bad, "hello world, certainly not an archive of any kind at all, no");
    assertThatThrownBy(() -> manager.install(bad))
        .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("s9pk"));
    assertNothingWritten();
  }

  @Test
  void aPackageBuiltForAnotherArchitectureIsRejectedNamingBoth() throws Exception {
    assertThatThrownBy(() -> manager.install(TestPackages.buildForArch("riscv64")))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.VERSION_INCOMPATIBLE))
        .hasMessageContaining("riscv64")
        .hasMessageContaining("x86_64");
    assertNothingWritten();
  }

  @Test
  void operationsOnAPackageThatIsNotInstalledSayWhich() {
    assertThatThrownBy(() -> manager.start("nope")).hasMessageContaining("nope is not installed");
    assertThatThrownBy(() -> manager.uninstall("nope", false, false))
        .hasMessageContaining("nope is not installed");
  }
}
