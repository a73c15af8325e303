package startos.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import startos.model.Database;
import startos.patchdb.PatchDb;

class SessionExpiryTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final PatchDb db = PatchDb.inMemory();
  private final Sessions sessions = new Sessions(new Database(db), () -> now.get());

  private void advance(Duration by) {
    now.set(now.get().plus(by));
  }

  @Test
  void aSessionUsedEveryFewDaysLivesUntilItsLifetimeEnds() {
    for (boolean ephemeral : new boolean[] {false, true}) {
      SessionToken token = sessions.create(ephemeral, Optional.empty());
      Instant loggedIn = now.get();
      while (now.get().isBefore(loggedIn.plus(Sessions.MAX_LIFETIME).minus(Duration.ofDays(5)))) {
        advance(Duration.ofDays(5));
        assertThat(sessions.authenticate(token.token())).as("ephemeral=" + ephemeral).isPresent();
      }
      advance(Duration.ofDays(5));
      assertThat(sessions.authenticate(token.token())).as("ephemeral=" + ephemeral).isEmpty();
    }
  }

  @Test
  void anUnusedSessionEndsAfterTheIdleTimeoutAndItsListenersHear() {
    List<String> ended = new ArrayList<>();
    sessions.onEnd(ended::add);
    SessionToken persistent = sessions.create(false, Optional.empty());
    SessionToken ephemeral = sessions.create(true, Optional.empty());
    advance(Sessions.IDLE_TIMEOUT.minusMinutes(1));
    SessionToken fresh = sessions.create(false, Optional.empty());
    advance(Duration.ofMinutes(1));
    assertThat(sessions.list(Optional.empty()).get("sessions").fieldNames())
        .toIterable()
        .containsExactly(fresh.hashedId());
    assertThat(sessions.authenticate(persistent.token())).isEmpty();
    assertThat(sessions.authenticate(ephemeral.token())).isEmpty();
    assertThat(ended).contains(persistent.hashedId(), ephemeral.hashedId());
    assertThat(db.get("/private/sessions/" + persistent.hashedId())).isEmpty();
  }
}
