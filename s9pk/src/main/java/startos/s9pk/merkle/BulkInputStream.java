package startos.s9pk.merkle;

import java.io.InputStream;

/** An {@link InputStream} that reads only in bulk: one-byte and empty reads go through here. */
abstract class BulkInputStream extends InputStream {

  /** Reads up to {@code len} (at least 1) bytes into {@code b}; -1 at the end. */
  abstract int readBulk(byte[] b, int off, int len);

  @Override
  public final int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public final int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    return readBulk(b, off, len);
  }
}
