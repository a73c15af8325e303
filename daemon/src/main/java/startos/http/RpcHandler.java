package startos.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import startos.auth.Sessions;
import startos.patchdb.PatchDb;
import startos.rpc.Caller;
import startos.rpc.ProtocolException;
import startos.rpc.RpcDispatcher;
import startos.rpc.RpcErrors;
import startos.rpc.RpcOutcome;
import startos.rpc.RpcRequest;
import startos.rpc.StandardError;

/**
 * {@code POST /rpc/*}: one JSON-RPC 2.0 request per body, at most {@link #MAX_BODY_BYTES} (larger
 * payloads go through {@code /rest/rpc/<guid>}). RPC-level errors are HTTP 200 like StartOS; a
 * response whose call changed the DB carries {@code X-Patch-Sequence} after subscribers were
 * nudged, so the UI can wait until its cache caught up.
 */
final class RpcHandler extends Handler.Abstract {
  /** The request body limit for {@code /rpc}: 1 MiB. */
  static final int MAX_BODY_BYTES = 1 << 20;

  /** Oversized bodies up to this size are read and dropped so the client gets the 413 intact. */
  static final long DRAIN_LIMIT_BYTES = 16L << 20;

  static final String PATCH_SEQUENCE_HEADER = "X-Patch-Sequence";
  private static final String COOKIE_FLAGS = "; Path=/; HttpOnly; SameSite=Strict";

  private final RpcDispatcher dispatcher;
  private final CallerResolver callers;
  private final PatchDb db;

  RpcHandler(RpcDispatcher dispatcher, CallerResolver callers, PatchDb db) {
    this.dispatcher = dispatcher;
    this.callers = callers;
    this.db = db;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!request.getMethod().equals("POST")) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      fail(
          response,
          callback,
          405,
          new ProtocolException(
              StandardError.INVALID_REQUEST,
              "JSON-RPC requests must be sent with POST, not " + request.getMethod()));
      return true;
    }
    // a web page can send a cross-site POST without asking only with a "simple" content type
    // (text/plain, form encodings): requiring JSON makes every such request fail here
    Optional<String> contentType =
        Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    if (!isJson(contentType)) {
      fail(
          response,
          callback,
          415,
          new ProtocolException(
              StandardError.INVALID_REQUEST,
              "JSON-RPC requests must be sent with Content-Type: application/json (got %s)"
                  .formatted(contentType.map(t -> "'" + t + "'").orElse("none"))));
      return true;
    }
    long declared = request.getLength();
    if (declared > DRAIN_LIMIT_BYTES) {
      fail(response, callback, 413, tooLarge());
      return true;
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        // read the rest before answering: a client still sending would otherwise see the
        // connection reset instead of the 413 and its explanation
        in.transferTo(OutputStream.nullOutputStream());
      }
    } catch (IOException e) {
      fail(
          response,
          callback,
          400,
          new ProtocolException(
              StandardError.PARSE_ERROR, "the request body could not be read: " + e.getMessage()));
      return true;
    }
    if (body.length > MAX_BODY_BYTES) {
      fail(response, callback, 413, tooLarge());
      return true;
    }
    JsonNode tree;
    try {
      tree = parse(body);
    } catch (ProtocolException e) {
      fail(response, callback, 200, e);
      return true;
    }
    RpcRequest rpc;
    try {
      rpc = RpcRequest.parse(tree);
    } catch (ProtocolException e) {
      respond(response, callback, new RpcOutcome.Failure(RpcErrors.from(e)), RpcRequest.idOf(tree));
      return true;
    }
    Caller caller = callers.resolve(request);
    long before = db.sequence();
    RpcOutcome outcome = dispatcher.dispatch(rpc, caller);
    long after = db.sequence();
    if (after != before) {
      db.nudge();
      response.getHeaders().put(PATCH_SEQUENCE_HEADER, Long.toString(after));
    }
    if (outcome instanceof RpcOutcome.Success success) {
      sessionCookie(rpc.method(), success.result(), request.isSecure())
          .ifPresent(c -> response.getHeaders().add(HttpHeader.SET_COOKIE, c));
      if (rpc.method().equals("auth.login")) {
        // the token travels only in the HttpOnly cookie, never where page script could read it
        outcome = new RpcOutcome.Success(NullNode.getInstance());
      }
    }
    respond(response, callback, outcome, rpc.id());
    return true;
  }

  private static boolean isJson(Optional<String> contentType) {
    return contentType
        .map(t -> t.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
        .filter(t -> t.equals("application/json"))
        .isPresent();
  }

  /**
   * The session cookie: HttpOnly (page script never sees it), SameSite=Strict (other sites'
   * requests do not carry it), Secure over TLS, and no longer-lived than the session itself.
   */
  private static Optional<String> sessionCookie(String method, JsonNode result, boolean secure) {
    String secureFlag = secure ? "; Secure" : "";
    return switch (method) {
      case "auth.login" ->
          result.path("session").isTextual()
              ? Optional.of(
                  CallerResolver.SESSION_COOKIE
                      + "="
                      + result.get("session").asText()
                      + COOKIE_FLAGS
                      + "; Max-Age="
                      + Sessions.MAX_LIFETIME.toSeconds()
                      + secureFlag)
              : Optional.empty();
      case "auth.logout" ->
          Optional.of(
              CallerResolver.SESSION_COOKIE + "=" + COOKIE_FLAGS + "; Max-Age=0" + secureFlag);
      default -> Optional.empty();
    };
  }

  /** Answers a refused request with a JSON-RPC error and an HTTP status. */
  static void refuse(Response response, Callback callback, int status, String why) {
    fail(response, callback, status, new ProtocolException(StandardError.INVALID_REQUEST, why));
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new ProtocolException(
          StandardError.PARSE_ERROR, "the request body is empty: send a JSON-RPC request");
    }
    try {
      JsonNode tree = JsonResponses.MAPPER.readTree(body);
      if (tree == null || tree.isMissingNode()) {
        throw new ProtocolException(
            StandardError.PARSE_ERROR, "the request body is empty: send a JSON-RPC request");
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw new ProtocolException(
          StandardError.PARSE_ERROR,
          "the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ProtocolException(
          StandardError.PARSE_ERROR, "the request body could not be read: " + e.getMessage());
    }
  }

  private static ProtocolException tooLarge() {
    return new ProtocolException(
        StandardError.INVALID_REQUEST,
        "the request body is larger than the %d-byte (1 MiB) limit for /rpc; send large data through /rest/rpc/<guid>"
            .formatted(MAX_BODY_BYTES));
  }

  private static void fail(Response response, Callback callback, int status, ProtocolException e) {
    JsonResponses.json(
        response,
        callback,
        status,
        new RpcOutcome.Failure(RpcErrors.from(e)).toResponse(NullNode.getInstance()));
  }

  private static void respond(
      Response response, Callback callback, RpcOutcome outcome, JsonNode id) {
    JsonResponses.json(response, callback, 200, outcome.toResponse(id));
  }
}
