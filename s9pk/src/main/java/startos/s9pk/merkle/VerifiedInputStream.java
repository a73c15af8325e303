package startos.s9pk.merkle;

import java.nio.ByteBuffer;
import org.apache.commons.codec.digest.Blake3;

/** Streams one file section, hashing as it goes; a wrong hash or short read throws at the end. */
final class VerifiedInputStream extends BulkInputStream {
  private final ByteSource source;
  private final ArchiveEntry.File file;
  private final String path;
  private final Blake3 hasher = Blake3.initHash();
  private long read;
  private boolean checked;

  VerifiedInputStream(ByteSource source, ArchiveEntry.File file, String path) {
    this.source = source;
    this.file = file;
    this.path = path;
  }

  @Override
  int readBulk(byte[] b, int off, int len) {
    long left = file.size() - read;
    if (left == 0) {
      finish();
      return -1;
    }
    int want = (int) Math.min(len, left);
    int n;
    try {
      n = source.read(file.position() + read, ByteBuffer.wrap(b, off, want));
    } catch (java.io.UncheckedIOException e) {
      throw new S9pkException(path + ": cannot read the archive: " + e.getMessage(), e);
    }
    if (n <= 0) {
      throw new S9pkException(
          path + ": archive ends after " + read + " of " + file.size() + " bytes");
    }
    hasher.update(b, off, n);
    read += n;
    if (read == file.size()) {
      finish();
    }
    return n;
  }

  @Override
  public long skip(long n) {
    // skipping would leave bytes unhashed: read through them instead
    byte[] buf = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  private void finish() {
    if (checked) {
      return;
    }
    checked = true;
    byte[] digest = new byte[32];
    hasher.doFinalize(digest);
    if (!Hash.of(digest).equals(file.hash())) {
      throw new S9pkException(path + ": hash sum mismatch, the file is corrupt");
    }
  }
}
