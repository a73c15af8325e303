package startos.http;

import org.eclipse.jetty.http.HttpFields;

/**
 * Headers on every response that keep other pages from framing startd (clickjacking), browsers from
 * guessing content types, and the server's address from leaking in {@code Referer}.
 */
final class SecurityHeaders {
  /**
   * The web UI's policy: its own scripts only (no inline script, no eval), inline styles allowed
   * (StartOS's UI and the generated pages use them), no plugins, no framing.
   */
  static final String UI_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self';"
          + " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

  /** API answers are data, never documents to render. */
  static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  static void ui(HttpFields.Mutable headers) {
    common(headers);
    headers.put("Content-Security-Policy", UI_POLICY);
  }

  static void api(HttpFields.Mutable headers) {
    common(headers);
    headers.put("Content-Security-Policy", API_POLICY);
  }

  private static void common(HttpFields.Mutable headers) {
    headers.put("X-Frame-Options", "DENY");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
  }
}
