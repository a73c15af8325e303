package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code s9pk pack} turns a dependency's {@code metadata.icon} given as a data: URL or an http(s)
 * URL into {@code dependencies/<id>/icon.<ext>}, downloading at pack time; a bad download or a
 * missing {@code instructions.md} stops the pack with a sentence and no archive.
 */
class PackDependencyIconTest {
  private static final Charset UTF8 = StandardCharsets.UTF_8;
  private static final byte[] SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(UTF8);

  @TempDir Path dir;
  private CliRun cli;
  private Path key;
  private HttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    key = dir.resolve("keys/developer.key.pem");
    assertThat(run("init-key").exitCode()).isZero();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serve("/icon.svg", 200, "image/svg+xml; charset=utf-8", SVG);
    serve("/page.html", 200, "text/html", "<html>not an icon</html>".getBytes(UTF8));
    serve("/huge.png", 200, "image/png", new byte[1024 * 1024 + 1]);
    serve("/gone.png", 404, "text/plain", "no".getBytes(UTF8));
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private void serve(String path, int status, String type, byte[] body) {
    server.createContext(
        path,
        ex -> {
          ex.getResponseHeaders().set("Content-Type", type);
          ex.sendResponseHeaders(status, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private CliRun.Result run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--developer-key-path";
    all[1] = key.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.run(all);
  }

  /** A package depending on {@code hello-world} whose metadata icon is {@code icon}. */
  private Path packageWithDependencyIcon(String icon) throws Exception {
    Path pkg = TestPackage.write(dir, "dependent-test", "{ dockerTag: \"hello:latest\" }");
    Path js = pkg.resolve("javascript/index.js");
    Files.writeString(
        js,
        Files.readString(js)
            .replace(
                "dependencies: {}",
                "dependencies: { \"hello-world\": { description: null, optional: false,"
                    + " metadata: { title: \"Hello World\", icon: \""
                    + icon
                    + "\" } } }"));
    return pkg;
  }

  private CliRun.Result pack(Path pkg) throws Exception {
    Path rootfs = TestPackage.busyboxRootfs(dir);
    return run(
        "s9pk",
        "pack",
        pkg.toString(),
        "--image",
        "main=" + rootfs,
        "-o",
        dir.resolve("out.s9pk").toString());
  }

  private byte[] cat(String path) {
    var r = run("s9pk", "inspect", dir.resolve("out.s9pk").toString(), "cat", path);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r.bytes();
  }

  @Test
  void dependencyIconGivenAsDataUrlIsPackedAsItsImage() throws Exception {
    String data = "data:image/png;base64," + Base64.getEncoder().encodeToString(TestPackage.PNG);
    var r = pack(packageWithDependencyIcon(data));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(cat("dependencies/hello-world/icon.png")).isEqualTo(TestPackage.PNG);
    assertThat(new String(cat("dependencies/hello-world/metadata.json"), UTF8))
        .isEqualTo("{\"title\":\"Hello World\"}");
  }

  @Test
  void dependencyIconGivenAsHttpUrlIsDownloadedAtPackTime() throws Exception {
    var r = pack(packageWithDependencyIcon(url("/icon.svg")));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(cat("dependencies/hello-world/icon.svg")).isEqualTo(SVG);
  }

  @Test
  void dependencyIconUrlAnswering404StopsThePack() throws Exception {
    var r = pack(packageWithDependencyIcon(url("/gone.png")));
    assertThat(r.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(r.err())
        .contains(
            "dependency hello-world: downloading icon " + url("/gone.png") + " failed: HTTP 404");
    assertThat(dir.resolve("out.s9pk")).doesNotExist();
  }

  @Test
  void dependencyIconUrlServingAWebPageIsNotAnImage() throws Exception {
    var r = pack(packageWithDependencyIcon(url("/page.html")));
    assertThat(r.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(r.err())
        .contains(
            "dependency hello-world: icon "
                + url("/page.html")
                + " is \"text/html\", not an image");
    assertThat(dir.resolve("out.s9pk")).doesNotExist();
  }

  @Test
  void dependencyIconDownloadLargerThanOneMibIsRefused() throws Exception {
    var r = pack(packageWithDependencyIcon(url("/huge.png")));
    assertThat(r.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(r.err())
        .contains("dependency hello-world: icon " + url("/huge.png") + " is larger than 1024 KiB");
    assertThat(dir.resolve("out.s9pk")).doesNotExist();
  }

  @Test
  void dependencyIconWithAnUnknownSchemeIsRefused() throws Exception {
    var r = pack(packageWithDependencyIcon("ftp://example.com/icon.png"));
    assertThat(r.err()).contains("icon ftp://example.com/icon.png has the unknown scheme \"ftp\"");
    assertThat(dir.resolve("out.s9pk")).doesNotExist();
  }

  @Test
  void packageWithoutInstructionsIsRefused() throws Exception {
    Path pkg = packageWithDependencyIcon(url("/icon.svg"));
    Files.delete(pkg.resolve("instructions.md"));
    var r = pack(pkg);
    assertThat(r.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(r.err()).contains("instructions.md not found in " + pkg + ": it is a required file");
    assertThat(dir.resolve("out.s9pk")).doesNotExist();
  }
}
