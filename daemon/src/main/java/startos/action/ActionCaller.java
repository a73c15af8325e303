package startos.action;

/** Who asks to run an action: the user (RPC) or a package (the {@code action.*} effects). */
public sealed interface ActionCaller {
  /** The user through {@code package.action.*}: sees only visible actions, input validated. */
  record User() implements ActionCaller {}

  /** A package's runtime through host.sock; {@code id} is the caller, told by its socket. */
  record Package(String id) implements ActionCaller {}

  ActionCaller USER = new User();
}
