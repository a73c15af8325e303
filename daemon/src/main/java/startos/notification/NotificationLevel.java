package startos.notification;

import java.util.Arrays;
import java.util.Locale;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/** How a notification is shown: its colour and icon in the UI. */
public enum NotificationLevel {
  SUCCESS,
  INFO,
  WARNING,
  ERROR;

  /** The wire form: lowercase. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire form, with a Parse DB Field error naming the allowed values. */
  public static NotificationLevel parse(String text) {
    for (NotificationLevel level : values()) {
      if (level.wire().equals(text)) {
        return level;
      }
    }
    throw new RpcException(
        ErrorKind.PARSE_DB_FIELD,
        "invalid notification level '"
            + text
            + "': expected one of "
            + Arrays.stream(values()).map(NotificationLevel::wire).toList());
  }
}
