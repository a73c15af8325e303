package startos.s9pk.manifest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import startos.s9pk.merkle.S9pkException;

/** {@code images/<arch>/<id>.env}: Docker {@code Env} entries, one {@code KEY=value} per line. */
public record ImageEnv(List<String> entries) {
  public ImageEnv {
    for (String e : entries) {
      if (e.indexOf('\n') >= 0) {
        throw new S9pkException("environment entry contains a newline: " + e);
      }
      if (e.indexOf('=') <= 0) {
        throw new S9pkException("environment entry is not KEY=value: " + e);
      }
    }
    entries = List.copyOf(entries);
  }

  public static ImageEnv parse(byte[] text) {
    List<String> out = new ArrayList<>();
    for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        out.add(line);
      }
    }
    return new ImageEnv(out);
  }

  /** Joined with {@code \n}, no trailing newline, as StartOS writes it. */
  public byte[] toBytes() {
    return String.join("\n", entries).getBytes(StandardCharsets.UTF_8);
  }
}
