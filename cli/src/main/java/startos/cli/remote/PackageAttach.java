package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.cli.RpcClient;

/**
 * {@code package attach}: a shell or one command in a service's LXC container, or in one of its
 * subcontainers ({@code -s} guid, {@code -n} name, {@code -i} image id: a case-insensitive part of
 * it, as StartOS matches). It runs {@code lxc-attach} on this machine as root, so it works only on
 * the server itself. It is deliberately not an RPC: over the API it would hand a network client (a
 * stolen session, a page the admin visits) a root shell inside a container whose kernel-facing ids
 * are the package's; the local root needs no such door. StartOS offers it over a WebSocket.
 */
@Command(
    name = "attach",
    description = "Run a shell or a command in a service's container (local, as root)",
    mixinStandardHelpOptions = true)
final class PackageAttach extends CliCommand {
  private static final String PATH =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  @Parameters(index = "0", paramLabel = "ID", description = "Package identifier")
  String id;

  @Parameters(
      index = "1..*",
      paramLabel = "COMMAND",
      description = "Command to run (default: a shell)")
  List<String> command = new ArrayList<>();

  @Option(
      names = {"-s", "--subcontainer"},
      description = "Subcontainer guid (or part of it)")
  Optional<String> subcontainer = Optional.empty();

  @Option(
      names = {"-n", "--name"},
      description = "Subcontainer name (or part of it)")
  Optional<String> name = Optional.empty();

  @Option(
      names = {"-i", "--image-id"},
      description = "Image id of the subcontainer (or part of it)")
  Optional<String> imageId = Optional.empty();

  @Option(
      names = {"-u", "--user"},
      description = "User in a subcontainer (default: the image's user, else root)")
  Optional<String> user = Optional.empty();

  @Option(names = "--force-tty", description = "Run under a terminal even without one here")
  boolean forceTty;

  /** One of the service's subcontainers, as startd recorded it when the package created it. */
  record Sub(String guid, String name, String imageId) {}

  @Override
  protected void run() {
    PackageCommands.checkId(id);
    Path data = root().dataDirectory().orElse(Path.of("/var/lib/startos"));
    Path lxcPath = data.resolve("lxc/containers");
    if (!Files.isDirectory(lxcPath.resolve(id), LinkOption.NOFOLLOW_LINKS)) {
      throw CliException.local(
          "no container of "
              + id
              + " under "
              + lxcPath
              + ": attach runs on the server itself, as root (is "
              + id
              + " installed? pass --data-dir)");
    }
    if (!running(lxcPath)) {
      throw CliException.local(
          id
              + " is not running: its container is stopped (start it: start-cli package start "
              + id
              + ")");
    }
    List<String> inner = new ArrayList<>();
    if (subcontainer.isPresent() || name.isPresent() || imageId.isPresent()) {
      Path pkg = data.resolve("packages").resolve(id);
      Sub sub = choose(subs(pkg));
      JsonNode meta = imageMeta(pkg, sub.imageId());
      inner.addAll(List.of("start-container", "subcontainer", "exec"));
      inner.add("--env-file=/media/startos/images/" + sub.imageId() + ".env");
      inner.add("--user=" + user.orElse(meta.path("user").asText("root")));
      String workdir = meta.path("workdir").asText("");
      if (!workdir.isEmpty()) {
        inner.add("--workdir=" + workdir);
      }
      inner.add("/media/startos/subcontainers/" + sub.guid());
    } else if (user.isPresent()) {
      throw CliException.usage("--user applies to a subcontainer: choose one with -s, -n or -i");
    }
    inner.addAll(command.isEmpty() ? List.of("/bin/sh") : command);
    List<String> argv =
        new ArrayList<>(
            List.of(
                "lxc-attach", "-n", id, "-P", lxcPath.toString(), "--clear-env", "-v", PATH, "--"));
    argv.addAll(inner);
    if (forceTty) {
      argv = List.of("script", "-q", "-e", "-c", shellQuote(argv), "/dev/null");
    }
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.INHERIT);
      boolean terminal = root().env().terminal();
      if (terminal) {
        // an interactive shell: lxc-attach talks to the terminal itself
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
      }
      Process p = pb.start();
      if (!terminal) {
        Thread err = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), root().env().err()));
        out().writer().flush();
        p.getInputStream().transferTo(root().env().stdout());
        root().env().stdout().flush();
        err.join();
      }
      int code = p.waitFor();
      if (code != 0) {
        throw CliException.local("the command in " + id + " exited with status " + code);
      }
    } catch (IOException e) {
      throw CliException.local("cannot run lxc-attach: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.local("interrupted");
    }
  }

  private static void copy(java.io.InputStream in, java.io.PrintWriter to) {
    try (in) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        to.write(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
        to.flush();
      }
    } catch (IOException e) {
      to.flush();
    }
  }

  private boolean running(Path lxcPath) {
    try {
      Process p =
          new ProcessBuilder("lxc-info", "-n", id, "-P", lxcPath.toString(), "-sH")
              .redirectErrorStream(true)
              .start();
      String state = new String(p.getInputStream().readAllBytes()).strip();
      return p.waitFor() == 0 && state.equals("RUNNING");
    } catch (IOException e) {
      throw CliException.local("cannot run lxc-info (is LXC installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.local("interrupted");
    }
  }

  /** The subcontainers startd recorded, in the layers of the package's disk or directory. */
  private List<Sub> subs(Path pkg) {
    // with its own disk, what the package writes (subcontainers, their layers) lives on it
    Path base = Files.isDirectory(pkg.resolve("disk/layers")) ? pkg.resolve("disk") : pkg;
    Path layers = base.resolve("layers");
    List<Sub> out = new ArrayList<>();
    if (!Files.isDirectory(layers, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layers)) {
      for (Path d : dirs) {
        Path info = d.resolve("info.json");
        if (Files.isRegularFile(info, LinkOption.NOFOLLOW_LINKS)
            && Files.isDirectory(base.resolve("subcontainers").resolve(d.getFileName()))) {
          JsonNode j = RpcClient.JSON.readTree(Files.readString(info));
          out.add(
              new Sub(
                  d.getFileName().toString(),
                  j.path("name").asText(""),
                  j.path("imageId").asText("")));
        }
      }
    } catch (IOException e) {
      throw CliException.local("cannot list the subcontainers of " + id + ": " + e.getMessage(), e);
    }
    return out;
  }

  private Sub choose(List<Sub> all) {
    List<Sub> match = new ArrayList<>();
    for (Sub s : all) {
      if (contains(s.guid(), subcontainer)
          && contains(s.name(), name)
          && contains(s.imageId(), imageId)) {
        match.add(s);
      }
    }
    if (match.size() == 1) {
      return match.get(0);
    }
    StringBuilder list = new StringBuilder();
    for (Sub s : all) {
      list.append("\n  ")
          .append(s.guid())
          .append(" => Name: ")
          .append(s.name())
          .append("; Image: ")
          .append(s.imageId());
    }
    throw CliException.local(
        (match.isEmpty()
                ? "no subcontainer of " + id + " matches"
                : "several subcontainers of " + id + " match; be more specific")
            + (all.isEmpty() ? " (it has none running)" : ":" + list));
  }

  private static boolean contains(String value, Optional<String> part) {
    return part.isEmpty()
        || value.toUpperCase(Locale.ROOT).contains(part.get().toUpperCase(Locale.ROOT));
  }

  private JsonNode imageMeta(Path pkg, String image) {
    Path f = pkg.resolve("image-meta").resolve(image + ".json");
    try {
      return RpcClient.JSON.readTree(Files.readString(f));
    } catch (IOException e) {
      return RpcClient.JSON.createObjectNode();
    }
  }

  private static String shellQuote(List<String> argv) {
    StringBuilder b = new StringBuilder();
    for (String a : argv) {
      b.append(b.isEmpty() ? "" : " ").append('\'').append(a.replace("'", "'\\''")).append('\'');
    }
    return b.toString();
  }
}
