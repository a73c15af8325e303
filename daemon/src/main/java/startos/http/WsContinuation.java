package startos.http;

/**
 * What happens on {@code /ws/rpc/<guid>} once the client connects. Runs on its own virtual thread
 * and may block; when {@link #run} returns the socket is closed normally ("complete"), when it
 * throws it is closed with an error reason.
 */
@FunctionalInterface
public interface WsContinuation {
  void run(WsConnection connection) throws Exception;

  /** Called instead of {@link #run} when the guid expires or its session ends unused. */
  default void discard() {}
}
