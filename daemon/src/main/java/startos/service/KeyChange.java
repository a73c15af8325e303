package startos.service;

/**
 * Whether an install may take over data that a package signed by another developer key left: an
 * update of an installed package, or a reinstall onto volumes a soft uninstall kept. StartOS has no
 * such check; here a key change is refused unless the user asked for it explicitly ({@code
 * start-cli package install --allow-key-change}, RPC parameter {@code allowKeyChange}), because
 * whoever holds a package id's new key would otherwise inherit everything its volumes hold.
 */
public enum KeyChange {
  /** Refuse a package whose signer differs from the recorded one (the default). */
  REFUSE,
  /** The user trusts the new signer: install and record its key from now on. */
  ALLOW;

  public static KeyChange allowedIf(boolean allow) {
    return allow ? ALLOW : REFUSE;
  }
}
