package startos.daemon;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import startos.container.ContainerException;
import startos.container.HostNamespace;
import startos.container.Subnet;

/** Entry point of {@code startd}. */
@Command(
    name = "startd",
    mixinStandardHelpOptions = true,
    description = "The StartOS daemon: serves the web UI and the JSON-RPC API.",
    version = "startd 0.4.0")
public final class StartdMain implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory (default: /var/lib/startos).")
  Path dataDir;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address to listen on (default: 127.0.0.1:8080).")
  String listen;

  @Option(
      names = "--web-root",
      paramLabel = "DIR",
      description = "Directory with a built web UI (default: the bundled page).")
  Path webRoot;

  @Option(
      names = "--runtime-image",
      paramLabel = "FILE",
      description =
          "Container runtime image (idmapped rootfs.squashfs; default: the one the checkout's"
              + " setup builds).")
  Path runtimeImage;

  @Option(
      names = "--service-memory-limit",
      paramLabel = "SIZE",
      description =
          "Memory cap of each service's container, e.g. 2G, or none (default: the machine's RAM"
              + " minus a tenth, at least 512M, kept for the host).")
  String serviceMemoryLimit;

  @Option(
      names = "--max-sideload-size",
      paramLabel = "SIZE",
      description =
          "Largest .s9pk a sideload may upload, e.g. 8G, or none (default: 8G); a larger upload is"
              + " refused before more than that is written.")
  String maxSideloadSize;

  @Option(
      names = "--max-volume-size",
      paramLabel = "SIZE",
      description =
          "Size of the disk each new install gets for its volumes and its containers' files, e.g."
              + " 64G, or none for plain directories without a cap (default: 64G, a sparse image:"
              + " it takes on the host only what the package writes).")
  String maxVolumeSize;

  @Option(
      names = "--bridge",
      paramLabel = "NAME",
      description = "Bridge of the containers (default: startbr0).")
  String bridge;

  @Option(
      names = "--subnet",
      paramLabel = "CIDR",
      description = "The bridge's address and prefix (default: 10.209.0.1/24).")
  String subnet;

  @Option(
      names = "--nft-table",
      paramLabel = "NAME",
      description = "nftables table (ip family) of the NAT and port forwards (default: startos).")
  String nftTable;

  @Option(
      names = "--cgroup-prefix",
      paramLabel = "NAME",
      description =
          "Prefix of the containers' cgroups (default: startos). Bridge, subnet, table and prefix"
              + " are this startd's alone: a second startd on any of them is refused.")
  String cgroupPrefix;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Config file: JSON or 'key = value' lines (data-dir, listen, web-root, runtime-image,"
              + " service-memory-limit, max-sideload-size, max-volume-size, bridge, subnet, nft-table,"
              + " cgroup-prefix).")
  Path configFile;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new StartdMain());
    int code = cli.execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Config config;
    Startd startd;
    try {
      config = config();
      startd = Startd.start(config);
    } catch (ConfigException | StartupException e) {
      System.err.println("startd: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("startd: shutting down");
                  startd.close();
                  stopped.countDown();
                },
                "startd-shutdown"));
    System.out.println("startd is running: open " + startd.url());
    System.out.flush();
    stopped.await();
    return 0;
  }

  Config config() {
    Map<String, String> file = configFile == null ? Map.of() : StartdConfigFile.read(configFile);
    Path dir =
        dataDir != null
            ? dataDir
            : Optional.ofNullable(file.get("data-dir"))
                .map(Path::of)
                .orElse(Config.DEFAULT_DATA_DIR);
    String address = listen != null ? listen : file.getOrDefault("listen", Config.DEFAULT_LISTEN);
    Optional<Path> web =
        webRoot != null
            ? Optional.of(webRoot)
            : Optional.ofNullable(file.get("web-root")).map(Path::of);
    Optional<Path> image =
        runtimeImage != null
            ? Optional.of(runtimeImage)
            : Optional.ofNullable(file.get("runtime-image")).map(Path::of);
    Optional<Long> memory =
        Optional.ofNullable(
                serviceMemoryLimit != null ? serviceMemoryLimit : file.get("service-memory-limit"))
            .map(Config::parseMemory);
    Optional<Long> sideload =
        Optional.ofNullable(
                maxSideloadSize != null ? maxSideloadSize : file.get("max-sideload-size"))
            .map(t -> Config.parseSize(t, "max-sideload-size"));
    Optional<Long> volume =
        Optional.ofNullable(maxVolumeSize != null ? maxVolumeSize : file.get("max-volume-size"))
            .map(t -> Config.parseSize(t, "max-volume-size"));
    return Config.of(dir, address)
        .withWebRoot(web)
        .withRuntimeImage(image)
        .withServiceMemoryLimit(memory)
        .withMaxSideloadSize(sideload)
        .withMaxVolumeSize(volume)
        .withContainers(namespace(file));
  }

  private HostNamespace namespace(Map<String, String> file) {
    HostNamespace ns = HostNamespace.DEFAULT;
    try {
      String b = bridge != null ? bridge : file.get("bridge");
      if (b != null) {
        ns = ns.withBridge(b);
      }
      String net = subnet != null ? subnet : file.get("subnet");
      if (net != null) {
        ns = ns.withSubnet(Subnet.parse(net));
      }
      String table = nftTable != null ? nftTable : file.get("nft-table");
      if (table != null) {
        ns = ns.withNftTable(table);
      }
      String prefix = cgroupPrefix != null ? cgroupPrefix : file.get("cgroup-prefix");
      if (prefix != null) {
        ns = ns.withCgroupPrefix(prefix);
      }
    } catch (ContainerException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    return ns;
  }
}
