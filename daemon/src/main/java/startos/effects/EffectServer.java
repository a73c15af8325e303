package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.rpc.ErrorKind;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;
import startos.rpc.StandardError;

/**
 * Listens on one service's {@code host.sock}: newline-delimited JSON-RPC, one call per connection,
 * each on its own virtual thread. A bad call only ever gets an error reply; the server keeps going.
 * The package on the other end is untrusted: it gets at most {@link EffectLimits#MAX_CONNECTIONS}
 * connections open at once and {@link EffectLimits#MAX_REQUEST_BYTES} per request; beyond either it
 * gets an error reply and the connection is closed. Each package has its own server, so a flood
 * only ever slows down the package sending it.
 */
public final class EffectServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EffectServer.class);
  static final ObjectMapper JSON = new ObjectMapper();

  /** Longest request line accepted (certificates and manifests fit easily). */
  static final int MAX_LINE = EffectLimits.MAX_REQUEST_BYTES;

  /** How long a connection over the cap waits for one of the package's calls to finish. */
  static final Duration CONNECTION_PATIENCE = Duration.ofSeconds(5);

  private final String packageId;
  private final Path socket;
  private final EffectTable table;
  private final ServerSocketChannel server;
  private final LongPredicate peerAllowed;
  private final Semaphore connections = new Semaphore(EffectLimits.MAX_CONNECTIONS);
  private final Thread acceptor;
  private volatile boolean closed;

  private EffectServer(
      String packageId,
      Path socket,
      EffectTable table,
      ServerSocketChannel ch,
      LongPredicate peerAllowed) {
    this.packageId = packageId;
    this.socket = socket;
    this.table = table;
    this.server = ch;
    this.peerAllowed = peerAllowed;
    this.acceptor =
        Thread.ofPlatform().daemon().name("effects-" + packageId).start(this::acceptLoop);
  }

  /**
   * Binds {@code socket} (replacing a stale file) and hands it to {@code ownerUid} so an idmapped
   * container's root can connect; a negative uid keeps root as owner. Only peers whose host uid is
   * root's or passes {@code peerAllowed} (the package's mapped ids) are answered.
   *
   * <p>The socket's directory is the package's: the stale entry is unlinked (never followed) and
   * the new socket's owner is changed without following a symlink swapped in after the bind.
   */
  public static EffectServer start(
      String packageId, Path socket, int ownerUid, LongPredicate peerAllowed, EffectTable table) {
    try {
      Files.deleteIfExists(socket);
      ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      ch.bind(UnixDomainSocketAddress.of(socket));
      if (ownerUid >= 0) {
        Files.setAttribute(socket, "unix:uid", ownerUid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(socket, "unix:gid", ownerUid, LinkOption.NOFOLLOW_LINKS);
      }
      return new EffectServer(
          packageId, socket, table, ch, uid -> uid == 0 || peerAllowed.test(uid));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + socket + ": " + e.getMessage(), e);
    }
  }

  /** {@link #start(String, Path, int, LongPredicate, EffectTable)} answering root only (tests). */
  public static EffectServer start(String packageId, Path socket, int ownerUid, EffectTable table) {
    return start(packageId, socket, ownerUid, uid -> false, table);
  }

  public Path socket() {
    return socket;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SocketChannel client = server.accept();
        if (!PeerUid.matches(client, peerAllowed)) {
          refuseForeignPeer(client);
          continue;
        }
        // a burst of parallel calls (Promise.all) waits a little for a slot instead of failing
        if (!connections.tryAcquire(CONNECTION_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
          refuseOverCap(client);
          continue;
        }
        Thread.ofVirtual()
            .name("effect-" + packageId)
            .start(() -> {
              try {
                serve(client);
              } finally {
                connections.release();
              }
            });
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("host.sock of {} stopped accepting: {}", packageId, e.getMessage());
        }
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void refuseForeignPeer(SocketChannel client) {
    LOG.warn(
        "host.sock of {}: refused a connection from uid {}, outside the package's ids",
        packageId,
        PeerUid.of(client));
    try {
      client.close();
    } catch (IOException e) {
      LOG.debug("closing a refused connection: {}", e.getMessage());
    }
  }

  /** Answers a connection over the cap at once, on the acceptor: the reply fits any buffer. */
  private void refuseOverCap(SocketChannel client) {
    try (client) {
      LOG.warn(
          "{} has {} host.sock connections open; refusing another",
          packageId,
          EffectLimits.MAX_CONNECTIONS);
      reply(
          client,
          errorReply(
              ErrorKind.RATE_LIMITED.code(),
              packageId
                  + " kept "
                  + EffectLimits.MAX_CONNECTIONS
                  + " effect calls open on host.sock for "
                  + CONNECTION_PATIENCE.toSeconds()
                  + " s; finish some before making more"));
    } catch (IOException e) {
      LOG.debug("refusing a connection of {}: {}", packageId, e.getMessage());
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(client));
      Optional<byte[]> line;
      try {
        line = readLine(in);
      } catch (RequestTooLong e) {
        // a Unix socket keeps the reply for the peer even though we close with its rest unread
        reply(client, errorReply(StandardError.INVALID_REQUEST.code(), e.getMessage()));
        return;
      }
      if (line.isEmpty()) {
        return;
      }
      reply(client, handle(line.get()));
    } catch (IOException e) {
      LOG.debug("effect connection of {} failed: {}", packageId, e.getMessage());
    }
  }

  private static void reply(SocketChannel client, String reply) throws IOException {
    java.nio.ByteBuffer buf =
        java.nio.ByteBuffer.wrap((reply + "\n").getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      client.write(buf);
    }
  }

  private static String errorReply(int code, String message) {
    ObjectNode reply = JSON.createObjectNode();
    reply.set("error", error(code, message, message));
    reply.putNull("id");
    return reply.toString();
  }

  /** The request line went past {@link #MAX_LINE}. */
  private static final class RequestTooLong extends IOException {
    private static final long serialVersionUID = 1L;

    RequestTooLong() {
      super(
          "effect request longer than "
              + MAX_LINE
              + " bytes; send large data some other way (a volume file)");
    }
  }

  /** Answers one request line; public for tests and in-process callers. */
  public String handle(byte[] line) {
    JsonNode id = com.fasterxml.jackson.databind.node.NullNode.getInstance();
    ObjectNode reply = JSON.createObjectNode();
    try {
      JsonNode request;
      try {
        request = JSON.readTree(line);
      } catch (IOException e) {
        throw new ProtocolException(
            StandardError.PARSE_ERROR, "request is not JSON: " + e.getMessage());
      }
      if (!(request instanceof ObjectNode obj)) {
        throw new ProtocolException(StandardError.INVALID_REQUEST, "request must be a JSON object");
      }
      if (obj.has("id")) {
        id = obj.get("id");
      }
      JsonNode method = obj.get("method");
      if (method == null || !method.isTextual()) {
        throw new ProtocolException(StandardError.INVALID_REQUEST, "request has no method name");
      }
      String name = method.asText();
      JsonNode params =
          obj.has("params") && !obj.get("params").isNull()
              ? obj.get("params")
              : JSON.createObjectNode();
      Optional<String> eventId =
          params.isObject() && params.path("eventId").isTextual()
              ? Optional.of(params.get("eventId").asText())
              : Optional.empty();
      Effect effect =
          table
              .effect(name)
              .orElseThrow(() ->
                  new ProtocolException(
                      StandardError.METHOD_NOT_FOUND, "not implemented: " + name));
      JsonNode result = effect.call(new EffectCall(packageId, name, params, eventId));
      reply.set("result", result == null ? JSON.nullNode() : result);
    } catch (ProtocolException e) {
      reply.set("error", error(e.error().code(), e.getMessage(), e.getMessage()));
    } catch (RpcException e) {
      reply.set("error", error(e.kind().code(), e.getMessage(), e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("effect of {} failed unexpectedly", packageId, e);
      reply.set("error", error(1, String.valueOf(e.getMessage()), e.toString()));
    }
    reply.set("id", id);
    return reply.toString();
  }

  private static ObjectNode error(int code, String message, String details) {
    ObjectNode e = JSON.createObjectNode();
    e.put("code", code);
    e.put("message", message);
    // the runtime appends string details to the message; repeating it would say it twice
    e.putNull("data");
    return e;
  }

  private static Optional<byte[]> readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        return Optional.of(buf.toByteArray());
      }
      if (buf.size() >= MAX_LINE) {
        throw new RequestTooLong();
      }
      buf.write(b);
    }
    return buf.size() > 0 ? Optional.of(buf.toByteArray()) : Optional.empty();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      LOG.debug("closing host.sock of {}: {}", packageId, e.getMessage());
    }
    acceptor.interrupt();
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.debug("removing {}: {}", socket, e.getMessage());
    }
  }
}
