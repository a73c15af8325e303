package startos.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the web UI, a single-page app: a known file is served as is, any other path gets {@code
 * index.html} so the app's router can handle it. Files come from a directory when configured, else
 * from the classpath folder {@code web/} (a placeholder page until the UI is built in).
 */
final class StaticFiles extends Handler.Abstract {
  private static final String CLASSPATH_ROOT = "web/";
  private static final String INDEX = "index.html";
  private static final MimeTypes MIME = new MimeTypes();

  private final Optional<Path> root;

  StaticFiles(Optional<Path> root) {
    this.root = root.map(p -> p.toAbsolutePath().normalize());
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      JsonResponses.text(response, callback, 405, method + " is not allowed on the web UI");
      return true;
    }
    // the whole path: the routing table's matched prefix is not a context path startd relies on
    String path = request.getHttpURI().getCanonicalPath();
    String relative = path.startsWith("/") ? path.substring(1) : path;
    if (relative.isEmpty() || relative.endsWith("/")) {
      relative += INDEX;
    }
    Optional<byte[]> file = read(relative);
    String served = relative;
    if (file.isEmpty()) {
      served = INDEX;
      file = read(INDEX);
    }
    if (file.isEmpty()) {
      JsonResponses.text(response, callback, 404, "the web UI is not installed");
      return true;
    }
    String type = MIME.getMimeByExtension(served);
    response.setStatus(200);
    response
        .getHeaders()
        .put(HttpHeader.CONTENT_TYPE, type == null ? "application/octet-stream" : type);
    response
        .getHeaders()
        .put(HttpHeader.CACHE_CONTROL, served.equals(INDEX) ? "no-cache" : "max-age=3600");
    if (method.equals("HEAD")) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, file.get().length);
      callback.succeeded();
    } else {
      response.write(true, ByteBuffer.wrap(file.get()), callback);
    }
    return true;
  }

  private Optional<byte[]> read(String relative) {
    for (String segment : relative.split("/")) {
      if (segment.equals("..") || segment.equals(".") || segment.contains("\\")) {
        return Optional.empty();
      }
    }
    try {
      if (root.isPresent()) {
        Path file = root.get().resolve(relative).normalize();
        if (!file.startsWith(root.get()) || !Files.isRegularFile(file)) {
          return Optional.empty();
        }
        return Optional.of(Files.readAllBytes(file));
      }
      URL url = StaticFiles.class.getClassLoader().getResource(CLASSPATH_ROOT + relative);
      if (url == null
          || (url.getProtocol().equals("file") && Files.isDirectory(Path.of(url.toURI())))) {
        return Optional.empty();
      }
      try (InputStream in = url.openStream()) {
        return Optional.of(in.readAllBytes());
      }
    } catch (URISyntaxException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read web UI file " + relative, e);
    }
  }
}
