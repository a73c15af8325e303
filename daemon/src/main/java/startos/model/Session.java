package startos.model;

import java.time.Instant;
import java.util.Optional;

/**
 * A logged-in session ({@code T.Session}), kept by its hashed token in {@code /private/sessions}.
 * Written only by startd (the login that created it and each later use).
 *
 * @param loggedIn when the password was accepted
 * @param lastActive the last request it authenticated (written at most once a minute)
 * @param userAgent the browser's User-Agent at login; empty: it sent none
 */
public record Session(Instant loggedIn, Instant lastActive, Optional<String> userAgent) {
  public Session {
    userAgent = userAgent == null ? Optional.empty() : userAgent;
  }

  public Session withLastActive(Instant v) {
    return new Session(loggedIn, v, userAgent);
  }
}
