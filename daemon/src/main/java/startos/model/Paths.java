package startos.model;

/** The fixed pointers of the public document (the private ones are {@link Slots}). */
final class Paths {
  static final String PUBLIC = "/public";
  static final String SERVER_INFO = "/public/serverInfo";
  static final String PACKAGE_DATA = "/public/packageData";

  private Paths() {}

  /** {@code id} is a package id (checked by the caller's manifest or RPC parameter parsing). */
  static String packageEntry(String id) {
    return PACKAGE_DATA + "/" + escape(id);
  }

  /** RFC 6901 escaping of one reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
