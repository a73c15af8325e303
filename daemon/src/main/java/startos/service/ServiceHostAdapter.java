package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.container.ContainerBackend;
import startos.container.HostListeners;
import startos.container.PortForward;
import startos.effects.ServiceHost;
import startos.install.InstallProgress;
import startos.notification.Draft;
import startos.notification.NotificationLevel;
import startos.notification.Notifications;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.ssl.CertStore;
import startos.ssl.KeyAlgorithm;
import startos.ssl.LeafCertificate;

/** What effects ask of the service layer, answered from the services the manager runs. */
final class ServiceHostAdapter implements ServiceHost {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHostAdapter.class);

  private final ServiceSettings settings;
  private final ContainerBackend backend;
  private final CertStore certs;
  private final Notifications notifications;
  private final ServiceTables tables;

  ServiceHostAdapter(
      ServiceSettings settings,
      ContainerBackend backend,
      CertStore certs,
      Notifications notifications,
      ServiceTables tables) {
    this.settings = settings;
    this.backend = backend;
    this.certs = certs;
    this.notifications = notifications;
    this.tables = tables;
  }

  @Override
  public JsonNode execute(
      String packageId,
      String eventId,
      String procedure,
      JsonNode input,
      java.time.Duration timeout) {
    Service s =
        Optional.ofNullable(tables.services().get(packageId))
            .orElseThrow(() ->
                new RpcException(
                    ErrorKind.NOT_FOUND, packageId + " has no service on this server"));
    return s.execute(eventId, procedure, input, timeout);
  }

  @Override
  public boolean initialized(String packageId) {
    return Optional.ofNullable(tables.services().get(packageId))
        .map(s -> s.state().containerUp())
        .orElse(false);
  }

  @Override
  public void stopForCriticalTask(String packageId) {
    Optional.ofNullable(tables.services().get(packageId))
        .ifPresent(s ->
            Thread.ofVirtual()
                .start(() -> {
                  try {
                    s.stopMain();
                  } catch (RuntimeException e) {
                    LOG.warn(
                        "stopping {} for its critical task failed: {}", packageId, e.getMessage());
                  }
                }));
  }

  @Override
  public void requestRestart(String packageId) {
    Service s = tables.require(packageId);
    // the caller is the package's own runtime: answer it first, restart afterwards
    Thread.ofVirtual()
        .start(() -> {
          try {
            s.restartMain();
          } catch (RuntimeException e) {
            LOG.warn("restart of {} requested by itself failed: {}", packageId, e.getMessage());
          }
        });
  }

  @Override
  public void requestShutdown(String packageId) {
    Service s = tables.require(packageId);
    Thread.ofVirtual()
        .start(() -> {
          try {
            s.stopMain();
          } catch (RuntimeException e) {
            LOG.warn("shutdown of {} requested by itself failed: {}", packageId, e.getMessage());
          }
        });
  }

  @Override
  public List<String> createFs(String packageId, String imageId, Optional<String> name) {
    return tables.require(packageId).subcontainers().createFs(imageId, name);
  }

  @Override
  public void destroyFs(String packageId, String guid) {
    tables.require(packageId).subcontainers().destroyFs(guid);
  }

  @Override
  public void mount(
      String packageId, String owner, String volumePath, String location, boolean readOnly) {
    tables
        .require(packageId)
        .subcontainers()
        .mount(settings.layout(owner).volumes(), owner, volumePath, location, readOnly);
  }

  @Override
  public Path volumesDir(String packageId) {
    return settings.layout(packageId).volumes();
  }

  @Override
  public Optional<String> containerIp(String packageId) {
    return backend.ip(packageId).map(Inet4Address::getHostAddress);
  }

  @Override
  public String osIp() {
    return settings.osIp();
  }

  @Override
  public Set<Integer> reservedHostPorts() {
    return HostListeners.system().ports();
  }

  @Override
  public void forward(String packageId, int hostPort, int internalPort) {
    Inet4Address ip =
        backend
            .ip(packageId)
            .orElseThrow(() ->
                new RpcException(ErrorKind.NETWORK, packageId + " has no container address yet"));
    PortForward f = PortForward.tcp(hostPort, ip, internalPort);
    if (!backend.forwards().contains(f)) {
      backend.forward(f);
    }
  }

  @Override
  public void unforward(String packageId, int hostPort, int internalPort) {
    backend
        .ip(packageId)
        .ifPresent(ip -> backend.unforward(PortForward.tcp(hostPort, ip, internalPort)));
  }

  @Override
  public void notify(String packageId, String level, String title, String message, JsonNode data) {
    notifications.notify(
        new Draft(Optional.of(packageId), NotificationLevel.parse(level), title, message, 0, data));
  }

  @Override
  public List<String> certificateChain(String packageId, List<String> hostnames, String algorithm) {
    LeafCertificate leaf = leaf(packageId, hostnames, algorithm);
    List<String> pems = new ArrayList<>();
    for (X509Certificate c : leaf.chain()) {
      pems.add(startos.ssl.Pem.encode(c));
    }
    return pems;
  }

  @Override
  public String certificateKey(String packageId, List<String> hostnames, String algorithm) {
    return leaf(packageId, hostnames, algorithm).keyPem();
  }

  @Override
  public Set<String> serverAddresses() {
    Set<String> addresses = new TreeSet<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        // LAN interfaces only: not loopback, not our container bridge or veths
        if (!nic.isUp() || nic.isLoopback() || nic.getName().startsWith("vst")) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          String text = a.getHostAddress();
          int zone = text.indexOf('%');
          String literal = zone < 0 ? text : text.substring(0, zone);
          if (!literal.equals(settings.osIp()) && !a.isLinkLocalAddress()) {
            addresses.add(literal);
          }
        }
      }
    } catch (SocketException e) {
      LOG.warn("cannot list the server's network addresses: {}", e.getMessage());
    }
    return addresses;
  }

  private LeafCertificate leaf(String packageId, List<String> hostnames, String algorithm) {
    try {
      return certs
          .certFor(packageId, Set.copyOf(hostnames))
          .leaf(algorithm.equals("ed25519") ? KeyAlgorithm.ED25519 : KeyAlgorithm.ECDSA);
    } catch (RuntimeException e) {
      throw new RpcException(
          ErrorKind.OPEN_SSL,
          "cannot issue a certificate for " + hostnames + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void setInitProgress(String packageId, JsonNode progress) {
    InstallProgress p = tables.installing().get(packageId);
    if (p != null && !p.isOver()) {
      p.nested("Initializing", progress);
    }
  }

  @Override
  public boolean fireCallback(String packageId, long callbackId, JsonNode args) {
    Service s = tables.services().get(packageId);
    if (s == null) {
      return false;
    }
    try {
      s.fireCallback(callbackId, args);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
