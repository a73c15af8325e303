package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.Optional;

/**
 * A notification for the user ({@code T.Notification} without its id, which is its key in {@code
 * /private/notifications}). Written only by startd; its texts and {@code data} may come from a
 * package ({@code notification.create} or host code acting for one) and are shown as text.
 *
 * @param packageId the package it concerns; empty: the server itself
 * @param code the kind of {@code data}: 0 none, 1 backup report, 2 markdown text
 * @param level {@code T.NotificationLevel}: success, info, warning or error
 * @param data the payload for the UI; JSON null for none
 */
public record Notification(
    Optional<String> packageId,
    Instant createdAt,
    int code,
    String level,
    String title,
    String message,
    JsonNode data,
    boolean seen) {
  public Notification {
    packageId = packageId == null ? Optional.empty() : packageId;
    data = data == null ? NullNode.getInstance() : data;
  }

  public Notification withSeen(boolean v) {
    return new Notification(packageId, createdAt, code, level, title, message, data, v);
  }
}
