package startos.action;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * What running actions needs from the service layer (implemented there, so this package does not
 * depend on it): a procedure in a package's runtime, whether that runtime is initialized, and
 * stopping a service whose critical task became active.
 */
public interface ActionHost {
  /**
   * Runs {@code procedure} ({@code /actions/<id>/getInput} or {@code /actions/<id>/run}) in the
   * package's runtime and returns what it answered (untrusted). Blocks up to {@code timeout}; takes
   * no service lock, so the procedure may itself call effects that do.
   *
   * @throws startos.rpc.RpcException when the package's container is not up, or with the package's
   *     own message when its handler throws
   */
  JsonNode execute(
      String packageId, String eventId, String procedure, JsonNode input, Duration timeout);

  /** Whether the package's runtime finished init (its actions can be asked now). */
  boolean initialized(String packageId);

  /**
   * Stops the package's main because a critical task of it is active; returns at once (the stop
   * waits for the service's lock on another thread, so an init holding it cannot deadlock).
   */
  void stopForCriticalTask(String packageId);
}
