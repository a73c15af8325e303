package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.cli.ExitCode;
import startos.cli.RpcClient;
import startos.s9pk.manifest.Manifest;
import startos.s9pk.merkle.S9pkArchive;

/**
 * {@code package install -s FILE} uploads an .s9pk and follows the install's progress until it is
 * done; {@code package install ID [VERSION]} asks startd to install from the registry.
 */
@Command(name = "install", description = "Install a package", mixinStandardHelpOptions = true)
final class PackageInstall extends CliCommand {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration UPLOAD_ANSWER = Duration.ofSeconds(60);

  @Option(
      names = {"-s", "--sideload"},
      paramLabel = "FILE",
      description = "Upload this .s9pk file from this computer and install it")
  Optional<Path> sideload = Optional.empty();

  @Option(
      names = "--allow-key-change",
      description =
          "Install even if the package is signed by another developer key than the installed"
              + " version (or the data kept by a soft uninstall): the new signer takes over its"
              + " data")
  boolean allowKeyChange;

  @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Package identifier")
  Optional<String> id = Optional.empty();

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "VERSION",
      description = "Version range constraint")
  Optional<String> version = Optional.empty();

  @Override
  protected void run() {
    if (sideload.isPresent()) {
      if (id.isPresent() || version.isPresent()) {
        throw CliException.usage(
            "give either --sideload FILE or ID [VERSION], not both (got ID " + id.orElse("") + ")");
      }
      sideload(root().env().cwd().resolve(sideload.get()));
    } else {
      String pkg =
          id.orElseThrow(
              () -> CliException.usage("give a package ID, or --sideload FILE for an .s9pk"));
      fromRegistry(PackageCommands.checkId(pkg));
    }
  }

  private void fromRegistry(String pkg) {
    ObjectNode params = params().put("id", pkg);
    if (allowKeyChange) {
      params.put("allowKeyChange", true);
    }
    version.ifPresent(v -> params.put("version", v));
    root().registry().ifPresent(r -> params.put("registry", r));
    JsonNode r = remote("package.install", params);
    out().result(r, () -> out().line("installing " + pkg));
  }

  private void sideload(Path file) {
    long size = checkFile(file);
    ObjectNode params = params();
    if (allowKeyChange) {
      params.put("allowKeyChange", true);
    }
    JsonNode r = remote("package.sideload", params);
    String upload = PackageStreams.guid(r, "upload", "package.sideload");
    String progress = PackageStreams.guid(r, "progress", "package.sideload");
    PackageStreams streams = PackageStreams.of(root());
    PrintWriter err = root().env().err();
    ProgressFrames view = new ProgressFrames(root().env().terminal());
    JsonNode last;
    try (PackageStreams.Socket socket = streams.open(progress)) {
      CompletableFuture<Void> sent = new CompletableFuture<>();
      Thread.ofVirtual()
          .name("sideload-upload")
          .start(() -> {
            try {
              streams.upload(upload, file);
              sent.complete(null);
            } catch (RuntimeException e) {
              sent.completeExceptionally(e);
            }
          });
      try {
        last = follow(socket, sent, view, err);
      } finally {
        err.print(view.finish());
        err.flush();
      }
      awaitUpload(sent);
    }
    JsonNode result = last;
    out()
        .result(
            result,
            () ->
                out()
                    .line(
                        "installed "
                            + file.getFileName()
                            + " ("
                            + ProgressFrames.bytes(size, -1)
                            + " uploaded)"));
    installedId(file).ifPresent(pkg -> DependencyWarnings.warnUnmet(this, pkg));
  }

  /** Renders frames until {@code overall === true}; returns the final frame. */
  private static JsonNode follow(
      PackageStreams.Socket socket,
      CompletableFuture<Void> sent,
      ProgressFrames view,
      PrintWriter err) {
    while (true) {
      Optional<PackageStreams.Event> event = socket.next(POLL);
      if (event.isEmpty()) {
        if (sent.isCompletedExceptionally()) {
          awaitUpload(sent); // throws the upload's own error
        }
        continue;
      }
      switch (event.get()) {
        case PackageStreams.Event.Text t -> {
          JsonNode frame = parse(t.text());
          err.print(view.frame(frame));
          err.flush();
          if (ProgressFrames.complete(frame)) {
            return frame;
          }
        }
        case PackageStreams.Event.Closed c -> {
          if (sent.isCompletedExceptionally() || !c.normal()) {
            // a refused upload's answer holds the whole sentence (a close reason keeps 123 bytes);
            // an upload cut off by startd's refusal says less than the stream's reason
            try {
              awaitUpload(sent);
            } catch (CliException e) {
              if (e.exitCode() != ExitCode.UNREACHABLE || c.normal() || c.reason().isBlank()) {
                throw e;
              }
            }
          }
          if (!c.normal()) {
            throw new CliException(
                ExitCode.SERVER_ERROR,
                "install failed: "
                    + (c.reason().isBlank()
                        ? "startd closed the stream (code " + c.code() + ")"
                        : c.reason()));
          }
          throw new CliException(
              ExitCode.SERVER_ERROR,
              "startd ended the progress stream before the install finished");
        }
        case PackageStreams.Event.Broken b -> {
          throw new CliException(
              ExitCode.UNREACHABLE,
              "the progress stream from startd broke: " + b.cause().getMessage(),
              b.cause());
        }
      }
    }
  }

  private static void awaitUpload(CompletableFuture<Void> sent) {
    try {
      sent.get(UPLOAD_ANSWER.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CliException c) {
        throw c;
      }
      throw new CliException(ExitCode.LOCAL_ERROR, "upload failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new CliException(
          ExitCode.SERVER_ERROR,
          "the install finished but startd never answered the upload request");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCode.LOCAL_ERROR, "interrupted while uploading");
    }
  }

  private static JsonNode parse(String text) {
    try {
      JsonNode frame = RpcClient.JSON.readTree(text);
      if (frame != null && frame.isObject()) {
        return frame;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new CliException(
        ExitCode.SERVER_ERROR,
        "startd sent a progress frame that is not a FullProgress object: "
            + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
  }

  private static long checkFile(Path file) {
    if (!Files.exists(file)) {
      throw CliException.local("no such file: " + file);
    }
    if (!Files.isRegularFile(file)) {
      throw CliException.local(file + " is not a regular file (expected an .s9pk)");
    }
    if (!Files.isReadable(file)) {
      throw CliException.local("cannot read " + file + ": permission denied");
    }
    try {
      long size = Files.size(file);
      if (size == 0) {
        throw CliException.local(file + " is empty (expected an .s9pk)");
      }
      return size;
    } catch (IOException e) {
      throw CliException.local("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The id the archive names (its signature was checked by startd, which installed it). */
  private static Optional<String> installedId(Path file) {
    try (S9pkArchive archive = S9pkArchive.open(file)) {
      return Optional.of(Manifest.of(archive).id());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
