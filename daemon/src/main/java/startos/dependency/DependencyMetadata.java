package startos.dependency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import startos.s9pk.merkle.ArchiveEntry;
import startos.s9pk.merkle.S9pkArchive;

/**
 * The title and icon a package ships for one of its dependencies ({@code
 * dependencies/<id>/metadata.json} and {@code dependencies/<id>/icon.<ext>} in its own s9pk), as
 * StartOS reads them for {@code currentDependencies}: what the dependent's author says the
 * dependency is, known even when the dependency is not installed. The archive path is the host's;
 * its contents are the package author's (signature-checked, sizes bounded here).
 */
public record DependencyMetadata(Optional<JsonNode> title, Optional<String> icon) {
  private static final long MAX_METADATA = 64 << 10;
  private static final long MAX_ICON = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final DependencyMetadata NONE =
      new DependencyMetadata(Optional.empty(), Optional.empty());

  /** What {@code s9pk} holds for {@code dependency}; {@link #NONE} when it holds nothing usable. */
  public static DependencyMetadata read(Path s9pk, String dependency) {
    try (S9pkArchive archive = S9pkArchive.open(s9pk)) {
      Optional<ArchiveEntry> dir = archive.entry("dependencies/" + dependency);
      if (!(dir.orElse(null) instanceof ArchiveEntry.Directory d)) {
        return NONE;
      }
      Optional<JsonNode> title = Optional.empty();
      Optional<String> icon = Optional.empty();
      for (Map.Entry<String, ArchiveEntry> e : d.entries().entrySet()) {
        String name = e.getKey();
        if (!(e.getValue() instanceof ArchiveEntry.File f)) {
          continue;
        }
        String path = "dependencies/" + dependency + "/" + name;
        if (name.equals("metadata.json") && f.size() <= MAX_METADATA) {
          JsonNode t = JSON.readTree(archive.read(path)).path("title");
          title = t.isTextual() || t.isObject() ? Optional.of(t) : Optional.empty();
        } else if (name.startsWith("icon.") && f.size() <= MAX_ICON && icon.isEmpty()) {
          icon = Optional.of(dataUrl(name.substring(5), archive.read(path)));
        }
      }
      return new DependencyMetadata(title, icon);
    } catch (IOException | RuntimeException e) {
      // an unreadable archive only loses the dependency's title and icon
      return NONE;
    }
  }

  private static String dataUrl(String ext, byte[] bytes) {
    String mime =
        switch (ext) {
          case "svg" -> "image/svg+xml";
          case "jpg", "jpeg" -> "image/jpeg";
          case "png", "gif", "webp" -> "image/" + ext;
          default -> "application/octet-stream";
        };
    return "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }
}
