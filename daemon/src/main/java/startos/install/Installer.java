package startos.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.effects.EffectsJson;
import startos.effects.EntryShape;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.s9pk.manifest.Manifest;
import startos.s9pk.merkle.ArchiveEntry;
import startos.s9pk.merkle.Hasher;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkException;

/**
 * Checks an S9PK completely before anything is written, then unpacks what a container needs for
 * this architecture: the package's javascript, assets and images (owned by the container's mapped
 * root), and the archive itself minus other architectures.
 */
public final class Installer {
  private final String arch;
  private static final Logger LOG = LoggerFactory.getLogger(Installer.class);

  private final ToIntFunction<String> rootUidOf;
  private final Hasher hasher;

  /** Unpacks images owned by the default range {@code containerRootUid} for every package. */
  public Installer(String arch, int containerRootUid) {
    this(arch, id -> containerRootUid);
  }

  /** Unpacks each package's images owned by its own id range, {@code rootUidOf(packageId)}. */
  public Installer(String arch, ToIntFunction<String> rootUidOf) {
    this.arch = arch;
    this.rootUidOf = rootUidOf;
    this.hasher = Hasher.best();
  }

  /**
   * Opens the file and verifies its signature, every file's hash, the manifest and that it runs on
   * this architecture. The caller closes the archive.
   *
   * @throws RpcException INVALID_SIGNATURE, PARSE_S9PK or VERSION_INCOMPATIBLE naming the problem
   */
  public VerifiedPackage verify(Path file) {
    return verify(file, InstallProgress.local());
  }

  /**
   * The id the archive's signed manifest claims, read without checking the other files: enough to
   * name an install (and let it be cancelled) before the long verification.
   */
  public String peekId(Path file) {
    try (S9pkArchive archive = open(file)) {
      return Manifest.of(archive).id();
    } catch (S9pkException e) {
      throw rejected(file, e);
    }
  }

  /** Who signed an archive and what it claims to be, from its checked signature and manifest. */
  public record Signed(String id, String version, String developerKey) {}

  /** The id, version and signer (PEM) of the archive, read without hashing its other files. */
  public Signed signed(Path file) {
    try (S9pkArchive archive = open(file)) {
      return new Signed(
          Manifest.of(archive).id(), Manifest.of(archive).version(), archive.signer().pem());
    } catch (S9pkException e) {
      throw rejected(file, e);
    }
  }

  /** Opens and checks the signature. */
  private static S9pkArchive open(Path file) {
    try {
      return S9pkArchive.open(file);
    } catch (S9pkException e) {
      throw rejected(file, e);
    }
  }

  /** A bad signature named apart from an unreadable archive. */
  private static RpcException rejected(Path file, S9pkException e) {
    return new RpcException(
        e.getMessage().contains("signature") ? ErrorKind.INVALID_SIGNATURE : ErrorKind.PARSE_S9PK,
        "cannot install " + file.getFileName() + ": " + e.getMessage(),
        e);
  }

  /** As {@link #verify(Path)}; cancelling {@code progress} closes the archive to stop hashing. */
  public VerifiedPackage verify(Path file, InstallProgress progress) {
    S9pkArchive archive = open(file);
    try (InstallProgress.Registration hook = progress.onCancel(archive::close)) {
      archive.verifyFiles(hasher);
      progress.checkCancelled();
      Manifest manifest = Manifest.of(archive);
      checkArch(manifest);
      manifest.validateFor(arch, archive);
      String imageArch = arch;
      ObjectNode json =
          EntryShape.dbManifest(
              (ObjectNode) EffectsJson.MAPPER.readTree(archive.read("manifest.json")));
      return new VerifiedPackage(
          file, archive, manifest, json, archive.signer().pem(), icon(archive), imageArch);
    } catch (S9pkException e) {
      archive.close();
      progress.checkCancelled();
      throw new RpcException(
          ErrorKind.PARSE_S9PK, "cannot install " + file.getFileName() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      archive.close();
      throw new RpcException(
          ErrorKind.PARSE_S9PK, "manifest.json is not JSON: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      archive.close();
      progress.checkCancelled();
      throw e;
    }
  }

  private void checkArch(Manifest manifest) {
    var hw = manifest.hardwareRequirements().arch();
    if (hw.isPresent() && !hw.get().contains(arch)) {
      throw new RpcException(
          ErrorKind.VERSION_INCOMPATIBLE,
          manifest.id()
              + " "
              + manifest.version()
              + " runs on "
              + hw.get()
              + ", not on this "
              + arch
              + " machine");
    }
    for (Map.Entry<String, Manifest.ImageConfig> e : manifest.images().entrySet()) {
      Manifest.ImageConfig image = e.getValue();
      if (!image.arch().contains(arch) && image.emulateMissingAs().isEmpty()) {
        throw new RpcException(
            ErrorKind.VERSION_INCOMPATIBLE,
            "image "
                + e.getKey()
                + " of "
                + manifest.id()
                + " is built for "
                + image.arch()
                + ", not for this "
                + arch
                + " machine");
      }
    }
  }

  private static String icon(S9pkArchive archive) {
    for (Map.Entry<String, ArchiveEntry> e : archive.root().entries().entrySet()) {
      String name = e.getKey();
      if (name.startsWith("icon.") && e.getValue() instanceof ArchiveEntry.File) {
        String ext = name.substring(5);
        String mime =
            switch (ext) {
              case "svg" -> "image/svg+xml";
              case "jpg", "jpeg" -> "image/jpeg";
              default -> "image/" + ext;
            };
        return "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(archive.read(name));
      }
    }
    return "";
  }

  /** Writes everything but volumes into {@code target} (a fresh directory). */
  public void unpack(VerifiedPackage pkg, UnpackTarget target, InstallProgress progress) {
    S9pkArchive archive = pkg.archive();
    try {
      Files.createDirectories(target.dir());
      // kept whole; filtering it to this machine's arch (Manifest#writeFilteredFor) is not done yet
      try (InputStream in = Files.newInputStream(pkg.file())) {
        copy(in, target.s9pk(), progress);
      }
      copy(archive, "javascript.squashfs", target.javascript(), progress);
      if (archive
          .entry("assets.squashfs")
          .filter(e -> e instanceof ArchiveEntry.File)
          .isPresent()) {
        copy(archive, "assets.squashfs", target.assets(), progress);
      }
      Files.createDirectories(target.emptyAssets());
      Files.createDirectories(target.imageMeta());
      Files.createDirectories(target.images());
      int done = 0;
      for (Map.Entry<String, Manifest.ImageConfig> e : pkg.manifest().images().entrySet()) {
        String imageId = e.getKey();
        String use =
            archive.entry("images/" + arch + "/" + imageId + ".squashfs").isPresent()
                ? arch
                : e.getValue().emulateMissingAs().orElse(arch);
        String base = "images/" + use + "/" + imageId;
        Path squashfs = target.dir().resolve(imageId + ".squashfs.tmp");
        copy(archive, base + ".squashfs", squashfs, progress);
        Path root = target.images().resolve(imageId);
        runTool(
            "unpack image " + imageId,
            // -no-xattrs: file capabilities and security labels are the package's to forge
            List.of(
                "unsquashfs",
                "-no-progress",
                "-no-xattrs",
                "-f",
                "-d",
                root.toString(),
                squashfs.toString()),
            progress);
        Files.delete(squashfs);
        sanitize(root, imageId, rootUidOf.applyAsInt(pkg.id()));
        Files.writeString(
            target.imageMeta().resolve(imageId + ".json"),
            imageMeta(archive.read(base + ".json"), imageId).toString(),
            StandardCharsets.UTF_8);
        String env = new String(archive.read(base + ".env"), StandardCharsets.UTF_8);
        Files.writeString(
            target.imageMeta().resolve(imageId + ".env"),
            env.isEmpty() || env.endsWith("\n") ? env : env + "\n",
            StandardCharsets.UTF_8);
        progress.bytes("Unpacking", ++done, pkg.manifest().images().size());
      }
    } catch (IOException e) {
      throw new RpcException(
          ErrorKind.FILESYSTEM, "cannot unpack " + pkg.id() + ": " + e.getMessage(), e);
    } catch (S9pkException e) {
      throw new RpcException(
          ErrorKind.PARSE_S9PK, "cannot unpack " + pkg.id() + ": " + e.getMessage(), e);
    }
  }

  /** {@code {user, workdir}} from an image's Docker-derived metadata, with StartOS's defaults. */
  private static ObjectNode imageMeta(byte[] json, String imageId) {
    ObjectNode out = startos.effects.EffectsJson.MAPPER.createObjectNode();
    com.fasterxml.jackson.databind.JsonNode in;
    try {
      in = startos.effects.EffectsJson.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new RpcException(ErrorKind.PARSE_S9PK, "metadata of image " + imageId + " is not JSON");
    }
    String user = in.path("user").asText("");
    String workdir = in.path("workdir").asText("");
    out.put("user", user.isEmpty() ? "root" : user);
    out.put("workdir", workdir.isEmpty() ? "/" : workdir);
    return out;
  }

  private static void copy(S9pkArchive archive, String path, Path out, InstallProgress progress)
      throws IOException {
    try (InputStream in = archive.open(path)) {
      copy(in, out, progress);
    }
  }

  /** Copies in chunks so a cancelled install stops within one chunk. */
  private static void copy(InputStream in, Path out, InstallProgress progress) throws IOException {
    progress.checkCancelled();
    try (OutputStream o = Files.newOutputStream(out)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        o.write(buf, 0, n);
        progress.checkCancelled();
      }
    }
  }

  /**
   * Makes an unpacked image safe to hand to the container (the image is the package's, so untrusted
   * in every byte): device nodes and sockets are deleted, since unsquashfs runs as root and would
   * otherwise give the package a node of the host's disk (fifos stay: they reach nothing outside);
   * files owned by uid n become owned by the container's n (host uid base + n). Setuid bits stay
   * but give nothing: every mount of package data is {@code nosuid}. Symlinks are not followed.
   */
  private static void sanitize(Path root, String imageId, int containerRootUid) throws IOException {
    List<String> dropped = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        int type = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
        if (type == S_IFCHR || type == S_IFBLK || type == S_IFSOCK) {
          Files.delete(p);
          dropped.add("/" + root.relativize(p));
          continue;
        }
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        // ids 0-65535 are the container's; anything above would land in another package's range
        int shiftedUid = containerRootUid + (uid < 65_536 ? uid : 65_534);
        int shiftedGid = containerRootUid + (gid < 65_536 ? gid : 65_534);
        boolean link = Files.isSymbolicLink(p);
        int mode =
            link ? 0 : (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:uid", shiftedUid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", shiftedGid, LinkOption.NOFOLLOW_LINKS);
        if (!link && (mode & 06000) != 0) {
          // chown clears setuid/setgid; put them back
          Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
    if (!dropped.isEmpty()) {
      LOG.warn(
          "image {}: dropped {} device node(s) and socket(s) a package may not ship: {}",
          imageId,
          dropped.size(),
          dropped.size() > 10 ? dropped.subList(0, 10) + " ..." : dropped);
    }
  }

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFCHR = 0020000;

  static void runTool(String what, List<String> command, InstallProgress progress) {
    progress.checkCancelled();
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out;
      try (InstallProgress.Registration hook = progress.onCancel(p::destroyForcibly)) {
        p.getOutputStream().close();
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
      }
      progress.checkCancelled();
      if (p.exitValue() != 0) {
        throw new RpcException(ErrorKind.FILESYSTEM, what + " failed: " + out.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorKind.CANCELLED, what + " was interrupted");
    }
  }
}
