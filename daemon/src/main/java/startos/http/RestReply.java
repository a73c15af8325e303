package startos.http;

import java.nio.charset.StandardCharsets;

/** The answer to a REST continuation request. */
public record RestReply(int status, String contentType, byte[] body) {
  public RestReply {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    body = body.clone();
  }

  /** 204, what StartOS answers when an upload has been received. */
  public static RestReply noContent() {
    return new RestReply(204, "text/plain", new byte[0]);
  }

  public static RestReply json(int status, String json) {
    return new RestReply(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] body() {
    return body.clone();
  }
}
