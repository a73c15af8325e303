package startos.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Reads what a container appends to its console file, one pass at a time, and hands it on as lines
 * of at most {@link ServiceLog#MAX_LINE} bytes. Not thread-safe: one tailer thread calls it.
 *
 * <p>The file is the package's to write (trusted: only its name, in a directory of the host's), so
 * it is only ever opened without following a symlink and only read when it is a regular file. Its
 * disk use stays near {@link ServiceLog#MAX_CONSOLE} twice over: once that much has been read, the
 * read part is released through {@link ConsoleSpace} (a hole, so bytes appended meanwhile are kept,
 * and the tailer's offset stays valid); and when the container is more than that ahead of the
 * tailer, all but the newest that much are skipped with a notice (with the rest of the line the
 * skip cuts into), so a flood or a sparse file of any size costs at most that much reading.
 */
final class ConsoleTailer {
  private final Path console;
  private final ConsoleSpace space;
  private final ServiceLog.LineSplitter lines;
  private final Consumer<String> notices;
  private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

  /** The next byte to read. */
  private long offset;

  /** The bytes before this were given back to the file system. */
  private long released;

  private boolean warned;
  private boolean warnedRelease;

  /**
   * @param lines gets each console line, already cut to its bound
   * @param notices gets startd's own lines about the console file
   */
  ConsoleTailer(
      Path console, ConsoleSpace space, Consumer<String> lines, Consumer<String> notices) {
    this.console = console;
    this.space = space;
    this.lines = new ServiceLog.LineSplitter(lines);
    this.notices = notices;
  }

  /**
   * Reads what was appended since the last pass (at most {@link ServiceLog#MAX_CONSOLE} bytes),
   * then releases the read part once it is that large. Blocks on file I/O only; a failure is told
   * once through the notices and the next pass tries again.
   */
  void pass() {
    try {
      if (!Files.exists(console, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      if (!Files.isRegularFile(console, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("it is not a regular file");
      }
      try (FileChannel ch =
          FileChannel.open(
              console,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS)) {
        long size = ch.size();
        if (size < offset) {
          // the package cut its own file back: read it again from its start
          lines.flush();
          offset = 0;
          released = 0;
        } else if (size - offset > ServiceLog.MAX_CONSOLE) {
          // keep the newest: a line written after a flood (its result, an error) is the one to see
          long to = size - ServiceLog.MAX_CONSOLE;
          lines.skip(to - offset, endsLine(ch, to));
          offset = to;
        }
        ch.position(offset);
        long end = offset + ServiceLog.MAX_CONSOLE;
        int n;
        while (offset < end && (n = ch.read(buf.clear())) > 0) {
          offset += n;
          lines.feed(buf.array(), n);
        }
        if (offset - released >= ServiceLog.MAX_CONSOLE) {
          release(ch);
        }
      }
    } catch (ClosedByInterruptException e) {
      // the tailer is being stopped; its last pass reads the rest
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        notices.accept("startd: not reading the console file " + console + ": " + e.getMessage());
      }
    }
  }

  /** Whether the byte before {@code position} ends a line. */
  private boolean endsLine(FileChannel ch, long position) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    return ch.read(one, position - 1) == 1 && one.get(0) == '\n';
  }

  /** Emits a last line the container did not end. */
  void finish() {
    lines.flush();
  }

  private void release(FileChannel ch) throws IOException {
    try {
      space.release(console, offset);
      released = offset;
    } catch (IOException e) {
      if (!warnedRelease) {
        warnedRelease = true;
        notices.accept(
            "startd: cannot free the read part of the console file ("
                + e.getMessage()
                + "); cutting the file back instead, which loses a line written at that instant");
      }
      // only when nothing unread would go with it; the container may still append in between
      if (ch.size() == offset) {
        ch.truncate(0);
        offset = 0;
        released = 0;
      }
    }
  }
}
