package startos.cli.pack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import startos.cli.CliException;

/**
 * A dependency's {@code metadata.icon} as the packer stores it ({@code
 * dependencies/<id>/icon.<ext>}): the manifest gives a path relative to the package directory, a
 * {@code file://} path, a {@code data:<mime>;base64,...} URL, or an http(s) URL fetched now, at
 * pack time, as StartOS's packer does. The developer running the packer is trusted; the web server
 * behind a URL is not, so its answer must be a successful, bounded image.
 */
record DependencyIcon(String extension, byte[] bytes) {
  /**
   * Downloads stop here. StartOS reads a download without a bound; an icon is a few KiB, so one MiB
   * accepts every real icon while a wrong URL (an ISO, an endless stream) cannot fill the memory.
   */
  static final int MAX_DOWNLOAD = 1024 * 1024;

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The image MIME types the host serves as icons, to the extension stored in the archive. */
  private static final Map<String, String> EXTENSIONS =
      Map.ofEntries(
          Map.entry("image/apng", "apng"),
          Map.entry("image/avif", "avif"),
          Map.entry("image/flif", "flif"),
          Map.entry("image/gif", "gif"),
          Map.entry("image/jpeg", "jpg"),
          Map.entry("image/jxl", "jxl"),
          Map.entry("image/png", "png"),
          Map.entry("image/svg+xml", "svg"),
          Map.entry("image/webp", "webp"),
          Map.entry("image/x-mng", "mng"));

  DependencyIcon {
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Resolves {@code icon} of dependency {@code dep}; every failure names both. */
  static DependencyIcon resolve(String dep, String icon, Path packageDir) {
    String lower = icon.toLowerCase(Locale.ROOT);
    if (lower.startsWith("data:")) {
      return fromDataUrl(dep, icon);
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return download(dep, icon);
    }
    if (lower.startsWith("file://")) {
      return fromPath(dep, Path.of(icon.substring("file://".length())));
    }
    int colon = icon.indexOf(':');
    if (colon > 1 && icon.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      throw CliException.local(
          "dependency "
              + dep
              + ": icon "
              + icon
              + " has the unknown scheme \""
              + icon.substring(0, colon)
              + "\" (use a path, a data: URL or an http(s) URL)");
    }
    return fromPath(dep, packageDir.resolve(icon));
  }

  private static DependencyIcon fromPath(String dep, Path file) {
    if (!Files.isRegularFile(file)) {
      throw CliException.local("dependency " + dep + ": icon " + file + " does not exist");
    }
    try {
      return new DependencyIcon(Packer.extension(file), Files.readAllBytes(file));
    } catch (IOException e) {
      throw CliException.local("dependency " + dep + ": cannot read icon " + file, e);
    }
  }

  private static DependencyIcon fromDataUrl(String dep, String url) {
    int comma = url.indexOf(',');
    String head = comma < 0 ? "" : url.substring("data:".length(), comma);
    if (comma < 0 || !head.toLowerCase(Locale.ROOT).endsWith(";base64")) {
      throw CliException.local(
          "dependency " + dep + ": icon data: URL must be data:<image type>;base64,<data>");
    }
    String mime = head.substring(0, head.length() - ";base64".length());
    String ext = imageExtension(dep, "data: URL", mime);
    try {
      return new DependencyIcon(ext, Base64.getDecoder().decode(url.substring(comma + 1).strip()));
    } catch (IllegalArgumentException e) {
      throw CliException.local("dependency " + dep + ": icon data: URL is not valid base64", e);
    }
  }

  private static DependencyIcon download(String dep, String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw CliException.local(
          "dependency " + dep + ": icon URL " + url + " is not a valid URL", e);
    }
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    try {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = r.body()) {
        if (r.statusCode() / 100 != 2) {
          throw CliException.local(
              "dependency "
                  + dep
                  + ": downloading icon "
                  + url
                  + " failed: HTTP "
                  + r.statusCode());
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        String ext = imageExtension(dep, url, type);
        byte[] data = body.readNBytes(MAX_DOWNLOAD + 1);
        if (data.length > MAX_DOWNLOAD) {
          throw CliException.local(
              "dependency "
                  + dep
                  + ": icon "
                  + url
                  + " is larger than "
                  + MAX_DOWNLOAD / 1024
                  + " KiB; use a smaller icon");
        }
        return new DependencyIcon(ext, data);
      }
    } catch (IOException e) {
      throw CliException.local(
          "dependency " + dep + ": downloading icon " + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.local("dependency " + dep + ": downloading icon " + url + " interrupted");
    } finally {
      http.close();
    }
  }

  private static String imageExtension(String dep, String source, String contentType) {
    String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    Optional<String> ext = Optional.ofNullable(EXTENSIONS.get(mime));
    return ext.orElseThrow(() ->
        CliException.local(
            "dependency "
                + dep
                + ": icon "
                + source
                + (mime.isEmpty() ? " has no content type" : " is \"" + mime + "\"")
                + ", not an image (png, svg, jpeg, webp, gif, ...)"));
  }
}
