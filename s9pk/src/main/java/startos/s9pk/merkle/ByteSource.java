package startos.s9pk.merkle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Random-access bytes: a file, a byte array, a section of either, or (later) a ranged HTTP
 * download. Implementations must allow concurrent {@link #read} calls from several threads.
 */
public interface ByteSource extends AutoCloseable {

  /** Total number of bytes. */
  long size();

  /**
   * Fills {@code dst} from {@code position} on; fewer bytes than requested only at the end.
   *
   * @return the number of bytes read, -1 when {@code position >= size()}
   */
  int read(long position, ByteBuffer dst);

  @Override
  default void close() {}

  /**
   * Where these bytes lie in a local file, when they do: lets a native tool read them directly.
   * Empty for memory and remote sources.
   */
  default Optional<FileSpan> fileSpan() {
    return Optional.empty();
  }

  /**
   * {@code source.size()} bytes of {@code path} from {@code offset} on, which was the file with
   * {@code device}/{@code inode} when it was opened (a tool re-opening the path checks that).
   */
  record FileSpan(Path path, long offset, long device, long inode) {
    public FileSpan {
      if (offset < 0) {
        throw new IllegalArgumentException("negative offset " + offset);
      }
    }

    FileSpan plus(long more) {
      return new FileSpan(path, offset + more, device, inode);
    }
  }

  /** Reads exactly {@code length} bytes, or fails naming what was cut short. */
  default byte[] readFully(long position, int length, String what) {
    if (position < 0 || length < 0 || position > size() - length) {
      throw new S9pkException(
          what
              + " at offset "
              + position
              + " ("
              + length
              + " bytes) extends past the end of the "
              + size()
              + " available bytes");
    }
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      int n = read(position + buffer.position(), buffer);
      if (n < 0) {
        throw new S9pkException(what + " at offset " + position + " is truncated");
      }
    }
    return buffer.array();
  }

  /** A view of {@code [position, position + length)}; the caller checks the bounds. */
  default ByteSource slice(long position, long length) {
    ByteSource parent = this;
    return new ByteSource() {
      @Override
      public long size() {
        return length;
      }

      @Override
      public int read(long pos, ByteBuffer dst) {
        if (pos >= length) {
          return -1;
        }
        ByteBuffer view = dst.slice();
        int want = (int) Math.min(view.remaining(), length - pos);
        view.limit(want);
        int n = parent.read(position + pos, view);
        if (n > 0) {
          dst.position(dst.position() + n);
        }
        return n;
      }

      @Override
      public Optional<FileSpan> fileSpan() {
        return parent.fileSpan().map(span -> span.plus(position));
      }
    };
  }

  /** Sequential stream over the whole source. */
  default InputStream stream() {
    ByteSource source = this;
    return new BulkInputStream() {
      private long pos;

      @Override
      int readBulk(byte[] b, int off, int len) {
        int n = source.read(pos, ByteBuffer.wrap(b, off, len));
        if (n > 0) {
          pos += n;
        }
        return n;
      }
    };
  }

  static ByteSource of(byte[] bytes) {
    byte[] copy = bytes.clone();
    return new ByteSource() {
      @Override
      public long size() {
        return copy.length;
      }

      @Override
      public int read(long position, ByteBuffer dst) {
        if (position >= copy.length) {
          return -1;
        }
        int n = (int) Math.min(dst.remaining(), copy.length - position);
        dst.put(copy, (int) position, n);
        return n;
      }
    };
  }

  /** Opens a file for positional reads; close it when done. */
  static ByteSource open(Path file) {
    try {
      return new FileSource(FileChannel.open(file, StandardOpenOption.READ), file);
    } catch (IOException e) {
      throw new S9pkException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** A file read through positional (thread-safe) {@link FileChannel} reads. */
  final class FileSource implements ByteSource {
    private final FileChannel channel;
    private final Path path;
    private final long size;
    private final Optional<FileSpan> span;

    FileSource(FileChannel channel, Path path) throws IOException {
      this.channel = channel;
      this.path = path;
      this.size = channel.size();
      this.span = identify(path);
    }

    /** The device and inode just after opening; empty where the platform has no such notion. */
    private static Optional<FileSpan> identify(Path path) {
      try {
        var attrs = Files.readAttributes(path.toAbsolutePath(), "unix:dev,ino");
        return Optional.of(
            new FileSpan(
                path.toAbsolutePath(),
                0,
                ((Number) attrs.get("dev")).longValue(),
                ((Number) attrs.get("ino")).longValue()));
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return Optional.empty();
      }
    }

    @Override
    public Optional<FileSpan> fileSpan() {
      return span;
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
      try {
        return channel.read(dst, position);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + path + " at offset " + position, e);
      }
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("closing " + path, e);
      }
    }
  }
}
