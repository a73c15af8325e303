package startos.install;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import startos.s9pk.manifest.Manifest;
import startos.s9pk.merkle.ByteSource;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkException;

/**
 * The first bytes of an S9PK still being uploaded, as an archive of its announced size whose later
 * bytes are not there yet: once the tables of contents and the manifest are in (they precede the
 * images, the bulk of a package), it names the package, so the upload can be cancelled by that id.
 */
public final class UploadPrefix implements ByteSource {
  /** Past this many uploaded bytes without a readable manifest, stop trying. */
  public static final long MAX_PREFIX = 64L << 20;

  /** The first attempt; each next one waits for twice as many bytes, so few re-reads happen. */
  public static final long FIRST_ATTEMPT = 64L << 10;

  private final ByteSource file;
  private final long available;
  private final long size;

  private UploadPrefix(ByteSource file, long available, long size) {
    this.file = file;
    this.available = available;
    this.size = size;
  }

  /**
   * The package id in the first {@code uploaded} bytes of {@code partial} (an upload of {@code
   * total} bytes), or empty while they do not hold the tables of contents and manifest yet.
   */
  public static Optional<String> packageId(Path partial, long uploaded, long total) {
    if (total <= 0 || uploaded <= 0 || uploaded > MAX_PREFIX) {
      return Optional.empty();
    }
    try (ByteSource file = ByteSource.open(partial);
        S9pkArchive archive = S9pkArchive.open(new UploadPrefix(file, uploaded, total))) {
      return Optional.of(Manifest.of(archive).id());
    } catch (RuntimeException e) {
      // not uploaded far enough, or not an S9PK at all: verification will say which
      return Optional.empty();
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int read(long position, ByteBuffer dst) {
    if (position >= size) {
      return -1;
    }
    long end = Math.min(size, position + dst.remaining());
    if (end > available) {
      throw new S9pkException("bytes " + position + ".." + end + " are not uploaded yet");
    }
    return file.read(position, dst);
  }
}
