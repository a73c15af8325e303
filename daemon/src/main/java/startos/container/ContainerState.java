package startos.container;

import java.util.Locale;

/** What LXC reports about a container, plus {@link #ABSENT} for one that was never created. */
public enum ContainerState {
  ABSENT,
  STOPPED,
  STARTING,
  RUNNING,
  STOPPING,
  ABORTING,
  FREEZING,
  FROZEN,
  THAWED;

  /** Parses the state word printed by {@code lxc-info -s -H}. */
  static ContainerState fromLxc(String word) {
    try {
      return valueOf(word.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ContainerException(
          "lxc-info printed an unknown container state: '" + word + "'", e);
    }
  }
}
