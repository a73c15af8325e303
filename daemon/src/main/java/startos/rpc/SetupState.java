package startos.rpc;

/** Whether first-time setup is done; read on every call so the gate opens the moment it is. */
@FunctionalInterface
public interface SetupState {
  boolean complete();
}
