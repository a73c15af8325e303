package startos.http;

import java.io.IOException;

/**
 * What happens on a request to {@code /rest/rpc/<guid>} (uploads and downloads). Runs on the
 * request's virtual thread and may block reading the body.
 */
@FunctionalInterface
public interface RestContinuation {
  RestReply handle(RestRequest request) throws IOException;

  /** Called instead of {@link #handle} when the guid expires or its session ends unused. */
  default void discard() {}
}
