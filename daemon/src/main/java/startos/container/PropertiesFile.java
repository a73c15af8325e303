package startos.container;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The small host-side tables of the container backend ({@code id = number}: addresses, id ranges),
 * kept as properties files. Written whole to a temp file, synced, then renamed over the old one, so
 * a crash leaves either the old table or the new one, never a torn one.
 */
final class PropertiesFile {
  private PropertiesFile() {}

  /** The entries of {@code file}, empty when it does not exist; {@code what} names it in errors. */
  static Map<String, String> read(Path file, String what) {
    Map<String, String> entries = new TreeMap<>();
    if (!Files.exists(file)) {
      return entries;
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new ContainerException("cannot read " + what + " from " + file, e);
    }
    for (String key : props.stringPropertyNames()) {
      entries.put(key, props.getProperty(key).strip());
    }
    return entries;
  }

  /** Replaces {@code file} with {@code entries} atomically and durably. */
  static void write(Path file, Map<String, String> entries, String comment, String what) {
    Properties props = new Properties();
    props.putAll(entries);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      StringWriter text = new StringWriter();
      props.store(text, comment);
      try (FileChannel out =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ContainerException("cannot save " + what + " to " + file, e);
    }
  }
}
