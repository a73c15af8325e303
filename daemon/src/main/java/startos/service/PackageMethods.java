package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.http.Continuations;
import startos.http.RestReply;
import startos.http.WsConnection;
import startos.install.InstallProgress;
import startos.install.UploadPrefix;
import startos.logs.LogEntry;
import startos.logs.ServiceLog;
import startos.model.PackageDataEntry;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;

/** The {@code package.*} JSON-RPC methods. */
final class PackageMethods {
  private static final Logger LOG = LoggerFactory.getLogger(PackageMethods.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Duration FRAME_INTERVAL = Duration.ofMillis(200);
  private static final int DEFAULT_LOG_LIMIT = 50;

  private final ServiceManager manager;
  private final Continuations continuations;

  PackageMethods(ServiceManager manager, Continuations continuations) {
    this.manager = manager;
    this.continuations = continuations;
  }

  void register(RpcRouter r) {
    r.register(
        "package.start",
        (p, c) -> done(() -> manager.start(id(p), Params.of(p).bool("force", false))));
    r.register("package.stop", (p, c) -> done(() -> manager.stop(id(p))));
    r.register("package.restart", (p, c) -> done(() -> manager.restart(id(p))));
    r.register("package.rebuild", (p, c) -> done(() -> manager.rebuild(id(p))));
    r.register("package.cancel-install", (p, c) -> done(() -> manager.cancelInstall(id(p))));
    r.register(
        "package.uninstall",
        (p, c) -> {
          Params params = Params.of(p);
          manager.uninstall(id(p), params.bool("soft", false), params.bool("force", false));
          return NODES.nullNode();
        });
    r.register(
        "package.install",
        (p, c) -> {
          Params params = Params.of(p);
          Optional<String> path = params.optionalString("path");
          if (path.isEmpty()) {
            throw new RpcException(
                ErrorKind.REGISTRY,
                "installing from a registry is not implemented; sideload the .s9pk (package.sideload) or pass 'path'");
          }
          Path file = Path.of(path.get());
          if (!file.isAbsolute() || !Files.isRegularFile(file)) {
            throw new RpcException(
                ErrorKind.NOT_FOUND,
                "no .s9pk file at " + path.get() + " (an absolute path on the server)");
          }
          return NODES.textNode(manager.install(file, InstallProgress.local(), keyChange(params)));
        });
    // StartOS's package.sideload takes no parameters: accept none at all too
    r.register(
        "package.sideload",
        (p, c) ->
            sideload(
                p instanceof ObjectNode ? keyChange(Params.of(p)) : KeyChange.REFUSE,
                c.sessionId()));
    r.register("package.list", (p, c) -> list());
    r.register(
        "package.installed-version",
        (p, c) -> {
          String id = id(p);
          return manager.find(id).isPresent()
              ? installedManifest(id)
                  .map(m -> (JsonNode) m.path("version"))
                  .orElse(NODES.nullNode())
              : NODES.nullNode();
        });
    r.register("package.logs", (p, c) -> logs(p));
    r.register("package.logs.follow", (p, c) -> follow(p, c.sessionId()));
  }

  /** Our addition to StartOS's parameters: the user accepts another developer's signature. */
  private static KeyChange keyChange(Params params) {
    return KeyChange.allowedIf(params.bool("allowKeyChange", false));
  }

  private static JsonNode done(Runnable r) {
    r.run();
    return NODES.nullNode();
  }

  private static String id(JsonNode p) {
    String id = Params.of(p).string("id");
    if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw ProtocolException.invalidParams("'" + id + "' is not a package id");
    }
    return id;
  }

  private Optional<JsonNode> installedManifest(String id) {
    return manager.model().packageEntry(id).flatMap(e -> InstallEntries.manifestOf(e.stateInfo()));
  }

  private JsonNode list() {
    ArrayNode out = NODES.arrayNode();
    for (Map.Entry<String, PackageDataEntry> e : manager.model().packages().entrySet()) {
      ObjectNode o = out.addObject();
      o.put("id", e.getKey());
      o.set(
          "version",
          InstallEntries.manifestOf(e.getValue().stateInfo())
              .map(m -> m.path("version"))
              .orElse(NODES.nullNode()));
      // "status" is StartOS's install state; "state" adds what the service is doing
      o.put("status", e.getValue().stateInfo().word());
      o.put("state", manager.find(e.getKey()).map(s -> s.state().word()).orElse("down"));
    }
    return out;
  }

  private JsonNode sideload(KeyChange keyChange, Optional<String> session) {
    InstallProgress progress = InstallProgress.sideload();
    String progressGuid = continuations.addWebSocket(session, ws -> streamProgress(ws, progress));
    String uploadGuid =
        continuations.addRest(
            session,
            request -> {
              // the client is untrusted: its announced length is checked before anything is
              // written, and what it actually sends is counted against the same cap
              long cap = manager.settings().maxSideloadBytes();
              Path tmpDir = Files.createDirectories(manager.settings().dataDir().resolve("tmp"));
              Optional<String> refused = refuseSize(request.contentLength(), cap, tmpDir);
              if (refused.isPresent()) {
                progress.start("Uploading");
                progress.fail(refused.get());
                return RestReply.json(413, "{\"error\":" + NODES.textNode(refused.get()) + "}");
              }
              Path tmp = Files.createTempFile(tmpDir, "sideload-", ".s9pk");
              Optional<String> uploading = Optional.empty();
              try {
                progress.start("Uploading");
                long total = request.contentLength();
                long done = 0;
                try (InputStream in = request.body();
                    OutputStream out = Files.newOutputStream(tmp);
                    var hook = progress.onCancel(() -> closeQuietly(in))) {
                  byte[] buf = new byte[1 << 20];
                  int n;
                  long lastReport = 0;
                  long nextPeek = UploadPrefix.FIRST_ATTEMPT;
                  while ((n = read(in, buf, progress)) > 0) {
                    if (cap > 0 && done + n > cap) {
                      // announced shorter (or not at all) than it is: stop at the cap
                      throw new RpcException(ErrorKind.INVALID_REQUEST, overCap(cap));
                    }
                    out.write(buf, 0, n);
                    done += n;
                    if (uploading.isEmpty()
                        && done >= nextPeek
                        && nextPeek <= UploadPrefix.MAX_PREFIX) {
                      // once the manifest is in, the upload can be cancelled by its package id
                      out.flush();
                      uploading = UploadPrefix.packageId(tmp, done, total);
                      uploading.ifPresent(id -> manager.uploadStarted(id, progress));
                      nextPeek = done * 2;
                    }
                    if (done - lastReport >= (4 << 20)) {
                      progress.bytes("Uploading", done, total);
                      lastReport = done;
                    }
                  }
                }
                progress.checkCancelled();
                if (total >= 0 && done != total) {
                  throw new IOException("upload ended after " + done + " of " + total + " bytes");
                }
                progress.finish("Uploading");
                // answered on the upload, whole (a progress stream's close reason keeps 123 bytes)
                manager.checkSigner(tmp, keyChange);
              } catch (IOException | RpcException e) {
                String why =
                    progress.isCancelled()
                        ? "the install of " + uploading.orElse("the package") + " was cancelled"
                        : e instanceof RpcException r && r.kind() != ErrorKind.CANCELLED
                            ? r.getMessage()
                            : "upload failed: " + e.getMessage();
                progress.fail(why);
                uploading.ifPresent(id -> manager.uploadEnded(id, progress));
                Files.deleteIfExists(tmp);
                return RestReply.json(400, "{\"error\":" + NODES.textNode(why) + "}");
              }
              Thread.ofVirtual()
                  .name("sideload")
                  .start(() -> {
                    try {
                      manager.install(tmp, progress, keyChange);
                    } catch (RuntimeException e) {
                      LOG.warn("sideloaded install failed: {}", e.getMessage());
                    } finally {
                      try {
                        Files.deleteIfExists(tmp);
                      } catch (IOException e) {
                        LOG.debug("cannot delete {}: {}", tmp, e.getMessage());
                      }
                    }
                  });
              return RestReply.noContent();
            });
    ObjectNode o = NODES.objectNode();
    o.put("upload", uploadGuid);
    o.put("progress", progressGuid);
    return o;
  }

  /**
   * Why an upload of {@code length} bytes (-1: not announced) is refused before it starts: larger
   * than {@code cap} (0: none), or than the free space where it would be written.
   */
  private static Optional<String> refuseSize(long length, long cap, Path dir) throws IOException {
    if (length < 0) {
      return Optional.empty();
    }
    if (cap > 0 && length > cap) {
      return Optional.of(tooLarge(length, cap));
    }
    long free = Files.getFileStore(dir).getUsableSpace();
    if (length > free) {
      return Optional.of(
          "the package is "
              + size(length)
              + " but only "
              + size(free)
              + " are free on startd's data disk");
    }
    return Optional.empty();
  }

  private static String tooLarge(long length, long cap) {
    return "the package is "
        + size(length)
        + ", more than the "
        + size(cap)
        + " a sideload may upload (startd --max-sideload-size)";
  }

  private static String overCap(long cap) {
    return "the upload went past "
        + size(cap)
        + ", the most a sideload may upload (startd --max-sideload-size)";
  }

  /** Bytes as a user reads them: {@code 512 bytes}, {@code 3.2 MiB}, {@code 8.0 GiB}. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A read that a cancel (which closes the stream) turns into CANCELLED. */
  private static int read(InputStream in, byte[] buf, InstallProgress progress) throws IOException {
    try {
      return in.read(buf);
    } catch (IOException e) {
      progress.checkCancelled();
      throw e;
    } catch (IllegalStateException e) {
      // Jetty's stream, closed by the cancel from another thread mid-read, can fail this way
      progress.checkCancelled();
      throw e;
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      LOG.debug("closing a cancelled upload: {}", e.getMessage());
    }
  }

  /** FullProgress frames every 200 ms while something changed, until done or failed. */
  private static void streamProgress(WsConnection ws, InstallProgress progress) throws Exception {
    String last = "";
    while (ws.isOpen()) {
      String now = progress.toJson().toString();
      if (!now.equals(last)) {
        ws.send(now);
        last = now;
      }
      if (progress.failure().isPresent()) {
        throw new RpcException(ErrorKind.INSTALL_FAILED, progress.failure().get());
      }
      if (progress.isComplete()) {
        String fin = progress.toJson().toString();
        if (!fin.equals(last)) {
          ws.send(fin);
        }
        return;
      }
      Thread.sleep(FRAME_INTERVAL);
    }
  }

  private JsonNode logs(JsonNode p) {
    Params params = Params.of(p);
    String id = id(p);
    ServiceLog log = existingLog(id);
    int limit =
        (int)
            Math.max(
                1, Math.min(10_000, params.optionalLong("limit").orElse((long) DEFAULT_LOG_LIMIT)));
    Optional<Long> cursor = params.optionalString("cursor").map(PackageMethods::cursor);
    boolean before = params.bool("before", cursor.isPresent());
    return ServiceLog.page(log.read(limit, cursor, before, boot(params)));
  }

  private static Optional<String> boot(Params params) {
    Optional<JsonNode> boot = params.optionalValue("boot");
    if (boot.isEmpty() || (boot.get().isIntegralNumber() && boot.get().asLong() == 0)) {
      return Optional.empty();
    }
    if (boot.get().isTextual()) {
      return Optional.of(boot.get().asText());
    }
    if (boot.get().isIntegralNumber()) {
      return Optional.of(ServiceLog.systemBootId());
    }
    throw ProtocolException.invalidParams("parameter 'boot' must be a boot id or a number");
  }

  private static long cursor(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ProtocolException.invalidParams("'" + text + "' is not a log cursor from this server");
    }
  }

  private ServiceLog existingLog(String id) {
    if (manager.find(id).isEmpty() && !Files.isDirectory(manager.settings().logsDir(id))) {
      throw new RpcException(ErrorKind.NOT_FOUND, "package " + id + " is not installed");
    }
    return manager.log(id);
  }

  private JsonNode follow(JsonNode p, Optional<String> session) {
    Params params = Params.of(p);
    String id = id(p);
    ServiceLog log = existingLog(id);
    int limit = (int) Math.max(0, Math.min(10_000, params.optionalLong("limit").orElse(0L)));
    Optional<String> boot = boot(params);
    long start = log.end();
    List<LogEntry> backlog = limit > 0 ? log.read(limit, Optional.empty(), true, boot) : List.of();
    String guid =
        continuations.addWebSocket(
            session,
            ws -> {
              LinkedBlockingQueue<LogEntry> queue = new LinkedBlockingQueue<>();
              try (AutoCloseable sub = log.follow(queue::add)) {
                for (LogEntry e : backlog) {
                  ws.send(e.toJson().toString());
                }
                for (LogEntry e : log.read(10_000, Optional.of(start), false, boot)) {
                  ws.send(e.toJson().toString());
                }
                while (ws.isOpen()) {
                  LogEntry e = queue.poll(500, TimeUnit.MILLISECONDS);
                  if (e != null
                      && e.cursor() > start
                      && (boot.isEmpty() || boot.get().equals(e.bootId()))) {
                    ws.send(e.toJson().toString());
                  }
                }
              }
            });
    ObjectNode o = NODES.objectNode();
    o.put("startCursor", Long.toString(start));
    o.put("guid", guid);
    return o;
  }
}
