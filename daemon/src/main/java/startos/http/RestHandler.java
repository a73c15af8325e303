package startos.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /rest/rpc/<guid>} (mapped on {@link #PREFIX} in the routing table): hands the request to
 * the one-shot continuation registered for it.
 */
final class RestHandler extends Handler.Abstract {
  static final String PREFIX = "/rest/rpc/";
  private static final Logger LOG = LoggerFactory.getLogger(RestHandler.class);

  private final Continuations continuations;

  RestHandler(Continuations continuations) {
    this.continuations = continuations;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    // the whole path: the routing table's matched prefix is not a context path startd relies on
    String path = request.getHttpURI().getCanonicalPath();
    String guid = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "";
    Optional<RestContinuation> continuation =
        Guid.isWellFormed(guid) ? continuations.claimRest(guid) : Optional.empty();
    if (continuation.isEmpty()) {
      JsonResponses.text(
          response,
          callback,
          404,
          "unknown, already used or expired continuation '%s': request a new one".formatted(guid));
      return true;
    }
    RestReply reply;
    try (InputStream body = Content.Source.asInputStream(request)) {
      reply =
          continuation
              .get()
              .handle(
                  new RestRequest(
                      request.getMethod(),
                      request.getLength(),
                      Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE)),
                      body));
    } catch (IOException | RuntimeException e) {
      LOG.warn("REST continuation {} failed", guid, e);
      JsonResponses.text(response, callback, 500, "the request failed: " + e.getMessage());
      return true;
    }
    response.setStatus(reply.status());
    if (reply.status() == 204) {
      callback.succeeded();
      return true;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
    return true;
  }
}
