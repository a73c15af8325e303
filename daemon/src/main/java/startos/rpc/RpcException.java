package startos.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The one exception a method throws to answer with a StartOS error. {@code details} is the specific
 * human sentence (what went wrong with this input); the kind gives code and meaning.
 */
public class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;
  private final transient JsonNode info;

  public RpcException(ErrorKind kind, String details) {
    this(kind, details, null, null);
  }

  public RpcException(ErrorKind kind, String details, Throwable cause) {
    this(kind, details, null, cause);
  }

  public RpcException(ErrorKind kind, String details, JsonNode info, Throwable cause) {
    super(details, cause);
    this.kind = kind;
    this.info = info;
  }

  public ErrorKind kind() {
    return kind;
  }

  /** Extra structured data for {@code error.data.info}. */
  public Optional<JsonNode> info() {
    return Optional.ofNullable(info);
  }
}
