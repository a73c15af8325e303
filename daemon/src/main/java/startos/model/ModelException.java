package startos.model;

import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Something does not fit StartOS's model: a document a client patched, or (a bug) what the database
 * holds. A Deserialization error (12), as StartOS answers when its typed model refuses a value.
 */
public final class ModelException extends RpcException {
  private static final long serialVersionUID = 1L;

  ModelException(String message, Throwable cause) {
    super(ErrorKind.DESERIALIZATION, message, cause);
  }

  ModelException(String message) {
    super(ErrorKind.DESERIALIZATION, message);
  }
}
