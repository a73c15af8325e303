package startos.rpc;

/** The JSON-RPC 2.0 protocol-level errors, beside StartOS's own {@link ErrorKind}s. */
public enum StandardError {
  PARSE_ERROR(-32700, "Parse error"),
  INVALID_REQUEST(-32600, "Invalid Request"),
  METHOD_NOT_FOUND(-32601, "Method not found"),
  INVALID_PARAMS(-32602, "Invalid params"),
  INTERNAL_ERROR(-32603, "Internal error");

  private final int code;
  private final String meaning;

  StandardError(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}
