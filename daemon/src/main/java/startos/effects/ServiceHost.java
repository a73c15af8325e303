package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import startos.action.ActionHost;

/**
 * What effects need from the service layer beyond the database: the seam between a package's
 * requests and the containers that serve them. Every method may throw {@link
 * startos.rpc.RpcException} with a message the package will see.
 */
public interface ServiceHost extends ActionHost {
  /** Restarts the package's main (asynchronously: the caller is usually that main). */
  void requestRestart(String packageId);

  /** Stops the package's main and records it as desired stopped. */
  void requestShutdown(String packageId);

  /** A writable root from {@code imageId} visible in the container; returns [path, guid]. */
  List<String> createFs(String packageId, String imageId, Optional<String> name);

  void destroyFs(String packageId, String guid);

  /**
   * Binds {@code volumePath} ({@code <volumeId>[/<subpath>]}, already checked to be relative and
   * free of {@code ..}) of {@code owner}'s volumes read-only or read-write at {@code location} in
   * one of {@code packageId}'s subcontainers; a symlink on either side is refused.
   */
  void mount(String packageId, String owner, String volumePath, String location, boolean readOnly);

  /** The host directory holding an installed package's volumes, one subdirectory each. */
  Path volumesDir(String packageId);

  Optional<String> containerIp(String packageId);

  String osIp();

  /**
   * The ports host sockets hold right now (startd's own among them): never given to a package. Read
   * before allocating, outside any database lock.
   */
  Set<Integer> reservedHostPorts();

  /** Forwards a host port to the package container's internal port. */
  void forward(String packageId, int hostPort, int internalPort);

  void unforward(String packageId, int hostPort, int internalPort);

  /** Creates a notification about the package. */
  void notify(String packageId, String level, String title, String message, JsonNode data);

  /**
   * Certificate chain PEMs [leaf, intermediate, root] for hostnames (already checked to be the
   * package's to ask for) from the local CA, cached for this package alone.
   */
  List<String> certificateChain(String packageId, List<String> hostnames, String algorithm);

  /** The PKCS#8 PEM key of the package's own leaf certificate for hostnames. */
  String certificateKey(String packageId, List<String> hostnames, String algorithm);

  /** The server's own LAN addresses (IP literals), on which every package is served. */
  Set<String> serverAddresses();

  /** Reports the package's init progress (FullProgress or Progress JSON). */
  void setInitProgress(String packageId, JsonNode progress);

  /** Fires a registered callback in the package's runtime; false when it is not reachable. */
  boolean fireCallback(String packageId, long callbackId, JsonNode args);
}
