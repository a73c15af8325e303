package startos.auth;

import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * A stored password hash that cannot be read (corrupt or foreign format): a database error for the
 * caller. It is an {@link RpcException} so that {@code startos.rpc} need not know about auth.
 */
public final class PasswordHashException extends RpcException {
  private static final long serialVersionUID = 1L;

  public PasswordHashException(String message) {
    super(ErrorKind.DATABASE, message);
  }
}
