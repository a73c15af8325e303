package startos.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Optional;

/**
 * A notification about to be created.
 *
 * @param packageId the package it concerns, if any
 * @param level how it is shown
 * @param title one line
 * @param message the body
 * @param code the kind of {@code data}: 0 none, 1 backup report, 2 markdown text
 * @param data extra payload for the UI (JSON null for none)
 */
public record Draft(
    Optional<String> packageId,
    NotificationLevel level,
    String title,
    String message,
    int code,
    JsonNode data) {
  public Draft {
    if (title.isBlank()) {
      throw new IllegalArgumentException("a notification needs a title");
    }
    if (code < 0) {
      throw new IllegalArgumentException("notification code must not be negative: " + code);
    }
    packageId.ifPresent(id -> {
      if (id.isBlank()) {
        throw new IllegalArgumentException("package id must not be blank");
      }
    });
  }

  /** A system notification with no payload. */
  public static Draft of(NotificationLevel level, String title, String message) {
    return new Draft(Optional.empty(), level, title, message, 0, NullNode.getInstance());
  }

  /** A notification about one package, with no payload. */
  public static Draft forPackage(
      String packageId, NotificationLevel level, String title, String message) {
    return new Draft(Optional.of(packageId), level, title, message, 0, NullNode.getInstance());
  }
}
