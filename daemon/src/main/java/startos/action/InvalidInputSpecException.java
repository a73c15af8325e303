package startos.action;

import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The package declared an input form the host cannot check input against (malformed, too large, too
 * deep, a pattern that is not a regular expression). It is the package's fault, not the user's:
 * StartOS reports a failing action as {@link ErrorKind#ACTION}.
 */
public final class InvalidInputSpecException extends RpcException {
  private static final long serialVersionUID = 1L;

  InvalidInputSpecException(String where, String what) {
    super(
        ErrorKind.ACTION,
        "the package's input form is invalid: "
            + (where.isEmpty() ? "" : "field \"" + where + "\": ")
            + what);
  }
}
