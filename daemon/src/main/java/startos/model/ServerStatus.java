package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What the server is busy with ({@code T.ServerStatus}).
 *
 * @param backupProgress a running backup's {@code T.FullProgress}; empty: none
 * @param updateProgress a running OS update's progress; empty: none
 * @param restart why a restart is pending ({@code T.RestartReason}); empty: none
 */
public record ServerStatus(
    Optional<JsonNode> backupProgress,
    Optional<JsonNode> updateProgress,
    boolean shuttingDown,
    boolean restarting,
    Optional<String> restart) {

  /** Nothing under way: how every start of startd begins. */
  public static final ServerStatus IDLE =
      new ServerStatus(Optional.empty(), Optional.empty(), false, false, Optional.empty());

  public ServerStatus {
    backupProgress = ModelJson.tree(backupProgress);
    updateProgress = ModelJson.tree(updateProgress);
    restart = restart == null ? Optional.empty() : restart;
  }

  public ServerStatus withShuttingDown(boolean v) {
    return new ServerStatus(backupProgress, updateProgress, v, restarting, restart);
  }

  public ServerStatus withRestarting(boolean v) {
    return new ServerStatus(backupProgress, updateProgress, shuttingDown, v, restart);
  }
}
