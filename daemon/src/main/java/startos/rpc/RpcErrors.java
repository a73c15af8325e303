package startos.rpc;

import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.patchdb.PatchDbException;

/** The one place where exceptions become JSON-RPC errors. */
public final class RpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(RpcErrors.class);

  private RpcErrors() {}

  /** Maps any throwable from a method (or the protocol layer) to the error the caller sees. */
  public static RpcError from(Throwable t) {
    return switch (t) {
      case RpcException e ->
          new RpcError(
              e.kind().code(), e.kind().meaning(), e.getMessage(), debug(e), e.info().orElse(null));
      case ProtocolException e ->
          new RpcError(e.error().code(), e.error().meaning(), e.getMessage(), "", null);
      case PatchDbException e -> of(ErrorKind.DATABASE, e);
      case UncheckedIOException e -> of(ErrorKind.FILESYSTEM, e);
      default -> {
        LOG.warn("unexpected error in an RPC method", t);
        yield of(ErrorKind.UNKNOWN, t);
      }
    };
  }

  private static RpcError of(ErrorKind kind, Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return new RpcError(kind.code(), kind.meaning(), message, debug(t), null);
  }

  private static String debug(Throwable t) {
    Throwable cause = t.getCause();
    return cause == null ? "" : String.valueOf(cause);
  }
}
