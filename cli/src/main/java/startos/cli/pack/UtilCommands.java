package startos.cli.pack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.s9pk.merkle.ByteSource;
import startos.s9pk.merkle.Hasher;

@Command(
    name = "util",
    description = "Command for calculating the blake3 hash of a file",
    mixinStandardHelpOptions = true,
    subcommands = {UtilCommands.B3sum.class})
public final class UtilCommands {
  private UtilCommands() {}

  @Command(
      name = "b3sum",
      description = "Calculate blake3 hash for a file",
      mixinStandardHelpOptions = true)
  static final class B3sum extends CliCommand {
    @Option(names = "--no-mmap", description = "Disable memory-mapped file I/O")
    boolean noMmap;

    @Parameters(paramLabel = "FILE", description = "A file, or an http(s) URL to download and hash")
    String file;

    @Override
    protected void run() {
      if (file.startsWith("http://") || file.startsWith("https://")) {
        Path tmp = download(file);
        try {
          out().line(hash(tmp, false));
        } finally {
          LocalTrees.delete(tmp);
        }
        return;
      }
      Path path = Path.of(file);
      if (!Files.isRegularFile(path)) {
        throw CliException.local(file + ": no such file");
      }
      out().line(hash(path, !noMmap));
    }

    static String hash(Path path, boolean mmap) {
      // The native tool maps the file itself (SIMD, every core); without it, map in Java.
      Optional<Hasher> mapped = mmap ? Hasher.nativeRange() : Optional.empty();
      try (ByteSource source =
          mmap && mapped.isEmpty() ? new Mapped(path) : ByteSource.open(path)) {
        return mapped.orElse(Hasher.parallel()).hash(source, 0, source.size()).hex();
      } catch (IOException e) {
        throw CliException.local("cannot read " + path + ": " + e.getMessage(), e);
      } catch (Exception e) {
        throw CliException.local("cannot hash " + path + ": " + e.getMessage(), e);
      }
    }

    private static Path download(String url) {
      try {
        Path tmp = Files.createTempFile("start-cli-b3sum", ".bin");
        HttpResponse<InputStream> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
          if (r.statusCode() != 200) {
            throw CliException.local("GET " + url + " answered HTTP " + r.statusCode());
          }
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
      } catch (IOException e) {
        throw CliException.local("cannot download " + url + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CliException.local("download of " + url + " interrupted", e);
      }
    }
  }

  /** A file mapped into memory in 1 GiB windows (a single map is limited to 2 GiB). */
  static final class Mapped implements ByteSource {
    private static final long WINDOW = 1L << 30;
    private final List<MappedByteBuffer> windows = new ArrayList<>();
    private final long size;

    Mapped(Path file) throws IOException {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        size = ch.size();
        for (long pos = 0; pos < size; pos += WINDOW) {
          windows.add(ch.map(FileChannel.MapMode.READ_ONLY, pos, Math.min(WINDOW, size - pos)));
        }
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
      int total = 0;
      while (dst.hasRemaining() && position < size) {
        MappedByteBuffer w = windows.get((int) (position / WINDOW));
        int offset = (int) (position % WINDOW);
        int n = Math.min(dst.remaining(), w.limit() - offset);
        dst.put(dst.position(), w, offset, n);
        dst.position(dst.position() + n);
        position += n;
        total += n;
      }
      return total;
    }

    @Override
    public void close() {}
  }
}
