package startos.container;

import java.util.Locale;

/** Transport protocol of a port forward. */
public enum Protocol {
  TCP,
  UDP;

  String nftName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
