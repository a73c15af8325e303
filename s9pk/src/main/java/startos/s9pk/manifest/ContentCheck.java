package startos.s9pk.manifest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import startos.s9pk.merkle.ArchiveEntry;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkException;

/**
 * What {@code Manifest::validate_for} checks: the files an archive must hold for its manifest,
 * collected as the set of paths an install keeps (everything else may become MISSING).
 */
final class ContentCheck {
  private static final Map<String, String> IMAGE_TYPES =
      Map.ofEntries(
          Map.entry("apng", "image/apng"),
          Map.entry("avif", "image/avif"),
          Map.entry("flif", "image/flif"),
          Map.entry("gif", "image/gif"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("jfif", "image/jpeg"),
          Map.entry("pjpeg", "image/jpeg"),
          Map.entry("pjp", "image/jpeg"),
          Map.entry("jxl", "image/jxl"),
          Map.entry("png", "image/png"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("webp", "image/webp"),
          Map.entry("mng", "image/x-mng"),
          Map.entry("x-mng", "image/x-mng"));

  private final S9pkArchive archive;
  private final Set<String> keep = new LinkedHashSet<>();
  private final List<String> warnings = new ArrayList<>();

  ContentCheck(S9pkArchive archive) {
    this.archive = archive;
  }

  /** MIME type of an image file name's extension, if StartOS serves it as an image. */
  static Optional<String> imageType(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0
        ? Optional.ofNullable(IMAGE_TYPES.get(name.substring(dot + 1)))
        : Optional.empty();
  }

  Set<String> keep() {
    return keep;
  }

  List<String> warnings() {
    return warnings;
  }

  boolean hasFile(String path) {
    return archive.entry(path).filter(e -> e instanceof ArchiveEntry.File).isPresent();
  }

  void file(String path) {
    if (!hasFile(path)) {
      throw new S9pkException("file " + path + " missing from archive");
    }
    keep.add(path);
  }

  void optionalFile(String path) {
    if (hasFile(path)) {
      keep.add(path);
    } else {
      warnings.add("file " + path + " missing from archive");
    }
  }

  /** Exactly one present {@code <dir>/icon.<image extension>}. */
  void icon(String dir, boolean required) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    Optional<ArchiveEntry> parent =
        dir.isEmpty() ? Optional.of(archive.root()) : archive.entry(dir);
    List<String> found = new ArrayList<>();
    if (parent.isPresent() && parent.get() instanceof ArchiveEntry.Directory d) {
      for (Map.Entry<String, ArchiveEntry> e : d.entries().entrySet()) {
        String name = e.getKey();
        int dot = name.lastIndexOf('.');
        if (dot > 0
            && name.substring(0, dot).equals("icon")
            && e.getValue() instanceof ArchiveEntry.File
            && imageType(name).isPresent()) {
          found.add(name);
        }
      }
    }
    if (found.size() > 1) {
      throw new S9pkException(
          "more than one file matching "
              + prefix
              + "icon with valid extension in archive: "
              + found);
    }
    if (found.isEmpty()) {
      if (required) {
        throw new S9pkException(
            "file "
                + prefix
                + "icon with an image extension (png, svg, jpg, webp, ...) missing from archive");
      }
      warnings.add("no icon for " + dir);
      return;
    }
    keep.add(prefix + found.get(0));
  }

  void directory(String path) {
    if (archive.entry(path).orElse(null) instanceof ArchiveEntry.Directory) {
      archive.files().keySet().stream().filter(p -> p.startsWith(path + "/")).forEach(keep::add);
    } else {
      warnings.add("neither assets.squashfs nor assets/ in archive");
    }
  }

  /** Image files for one architecture, or those of {@code emulateMissingAs}. */
  void image(String imageId, Manifest.ImageConfig config, String arch) {
    String use = arch;
    if (!hasFile("images/" + arch + "/" + imageId + ".squashfs")) {
      if (config.emulateMissingAs().isEmpty()) {
        throw new S9pkException(
            "file images/" + arch + "/" + imageId + ".squashfs missing from archive");
      }
      use = config.emulateMissingAs().get();
    }
    file("images/" + use + "/" + imageId + ".squashfs");
    file("images/" + use + "/" + imageId + ".json");
    file("images/" + use + "/" + imageId + ".env");
  }
}
