package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * What one package may hold through its effects. A package is untrusted: each bound keeps it from
 * exhausting startd's memory, threads or database for every other package and for the UI. The
 * bounds are far above what real packages use (tens of bindings, a handful of health checks).
 *
 * <table>
 *   <caption>Per-package bounds</caption>
 *   <tr><th>What</th><th>Bound</th><th>Answer when exceeded</th></tr>
 *   <tr><td>open host.sock connections</td><td>{@value #MAX_CONNECTIONS}</td>
 *       <td>one more waits 5 s for a slot, then gets an error reply and is closed</td></tr>
 *   <tr><td>one effect request (a JSON line)</td><td>{@value #MAX_REQUEST_BYTES} bytes</td>
 *       <td>error reply, connection closed</td></tr>
 *   <tr><td>registered callbacks (watched reads)</td><td>{@value #MAX_WATCHES}</td>
 *       <td>error; the read is not answered</td></tr>
 *   <tr><td>hosts (each a set of bindings; they stay when their bindings are cleared)</td>
 *       <td>{@value #MAX_HOSTS}</td><td>error</td></tr>
 *   <tr><td>port bindings (all hosts)</td><td>{@value #MAX_BINDINGS}</td><td>error</td></tr>
 *   <tr><td>service interfaces</td><td>{@value #MAX_INTERFACES}</td><td>error</td></tr>
 *   <tr><td>health checks</td><td>{@value #MAX_HEALTH_CHECKS}</td><td>error</td></tr>
 *   <tr><td>actions</td><td>{@value #MAX_ACTIONS}</td><td>error</td></tr>
 *   <tr><td>tasks</td><td>{@value #MAX_TASKS}</td><td>error</td></tr>
 *   <tr><td>dependencies</td><td>{@value #MAX_DEPENDENCIES}</td><td>error</td></tr>
 *   <tr><td>notifications the package created, kept at once</td>
 *       <td>{@value startos.notification.Notifications#MAX_PER_PACKAGE}</td>
 *       <td>its oldest one is removed (the user sees its newest; a package notifying now and then
 *       never starts failing)</td></tr>
 *   <tr><td>certificates cached for the package</td><td>{@value #MAX_CERTIFICATES}</td>
 *       <td>least recently used one is dropped</td></tr>
 *   <tr><td>any one JSON value an effect stores (action metadata, task, interface,
 *       notification data)</td><td>{@value #MAX_STORED_JSON_BYTES} bytes</td><td>error</td></tr>
 *   <tr><td>any one id an effect stores (of a host, action, health check, interface)</td>
 *       <td>{@value #MAX_ID_CHARS} characters</td><td>error</td></tr>
 *   <tr><td>any one text an effect stores (health message, names, titles)</td>
 *       <td>{@value #MAX_TEXT_CHARS} characters</td><td>error</td></tr>
 * </table>
 */
public final class EffectLimits {
  public static final int MAX_CONNECTIONS = 64;
  public static final int MAX_REQUEST_BYTES = 1 << 20;
  public static final int MAX_WATCHES = 4096;
  public static final int MAX_HOSTS = 64;
  public static final int MAX_BINDINGS = 128;
  public static final int MAX_INTERFACES = 128;
  public static final int MAX_HEALTH_CHECKS = 64;
  public static final int MAX_ACTIONS = 256;
  public static final int MAX_TASKS = 256;
  public static final int MAX_DEPENDENCIES = 256;
  public static final int MAX_CERTIFICATES = 64;
  public static final int MAX_STORED_JSON_BYTES = 64 * 1024;
  public static final int MAX_TEXT_CHARS = 4096;
  public static final int MAX_ID_CHARS = 255;

  private EffectLimits() {}

  /**
   * Refuses one more of {@code what} when {@code count} already reached {@code max}.
   *
   * @param remedy how the package frees some, the end of the error sentence
   */
  static void requireBelow(int count, int max, String what, String remedy) {
    if (count >= max) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          "a package may have at most " + max + " " + what + "; " + remedy);
    }
  }

  /** Refuses a JSON value larger than {@link #MAX_STORED_JSON_BYTES} once serialized. */
  static void requireStorable(JsonNode value, String what) {
    int size = value.toString().getBytes(StandardCharsets.UTF_8).length;
    if (size > MAX_STORED_JSON_BYTES) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          what
              + " is "
              + size
              + " bytes of JSON; at most "
              + MAX_STORED_JSON_BYTES
              + " bytes are stored");
    }
  }

  /** Refuses a text longer than {@link #MAX_TEXT_CHARS}. */
  static String requireText(String text, String what) {
    if (text.length() > MAX_TEXT_CHARS) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          what
              + " is "
              + text.length()
              + " characters long; at most "
              + MAX_TEXT_CHARS
              + " are stored");
    }
    return text;
  }
}
