package startos.setup;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import startos.model.Database;

/**
 * {@code StartOS-info.html}: the page a user saves at the end of setup. It names the server's LAN
 * address and carries the root CA certificate (shown and downloadable), so the user can trust the
 * server from any device later. Self-contained: no scripts, styles inline, the certificate as a
 * data URL.
 */
public final class InfoPage {
  /** The path the daemon serves it at. */
  public static final String PATH = "/StartOS-info.html";

  public static final String CONTENT_TYPE = "text/html; charset=utf-8";

  private InfoPage() {}

  /** The page for a set-up server; empty before {@code setup.execute} has run. */
  public static Optional<String> render(Database db) {
    return new SetupApi(db).result().map(r -> render(r.hostname(), r.rootCa()));
  }

  /** The page for {@code hostname} and its root CA (PEM). */
  public static String render(String hostname, String rootCaPem) {
    Hostnames.validate(hostname);
    String address = "https://" + hostname + ".local";
    String dataUrl =
        "data:application/x-x509-ca-cert;base64,"
            + Base64.getEncoder().encodeToString(rootCaPem.getBytes(StandardCharsets.UTF_8));
    String name = escape(hostname);
    return """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>StartOS: %1$s</title>
    </head>
    <body style="font-family: sans-serif; max-width: 48em; margin: 2em auto; padding: 0 1em; \
    line-height: 1.5">
    <h1>Your StartOS server: %1$s</h1>
    <p>Keep this file. It holds what you need to reach your server securely from any device on \
    your local network.</p>
    <h2>Address</h2>
    <p><a href="%2$s">%2$s</a></p>
    <p>This address works on the same local network as the server, once the device trusts the \
    server's root certificate below.</p>
    <h2>Root certificate authority</h2>
    <p>Your server signs its own HTTPS certificates with this root certificate. Download it and \
    add it to the trusted roots of each device (and browser, if it keeps its own list) that \
    will connect to the server.</p>
    <p><a href="%3$s" download="%1$s.crt">Download %1$s.crt</a></p>
    <pre style="background: #f4f4f4; padding: 1em; overflow-x: auto">%4$s</pre>
    </body>
    </html>
    """
        .formatted(name, escape(address), dataUrl, escape(rootCaPem.strip()));
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
