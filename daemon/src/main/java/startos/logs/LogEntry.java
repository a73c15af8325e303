package startos.logs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One captured line.
 *
 * @param cursor its position in the service's log (1 for the first line ever kept)
 */
public record LogEntry(long cursor, Instant timestamp, String message, String bootId) {
  public LogEntry {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(bootId, "bootId");
  }

  /** The wire form {@code {timestamp, message, bootId}}. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("timestamp", timestamp.toString());
    o.put("message", message);
    o.put("bootId", bootId);
    return o;
  }
}
