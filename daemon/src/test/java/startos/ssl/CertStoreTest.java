package startos.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import startos.model.Database;
import startos.model.Slots;
import startos.patchdb.PatchDb;

class CertStoreTest {
  private static final Instant SETUP = Instant.parse("2026-11-22T02:00:00Z");

  @Test
  void beforeSetupThereIsNoCaAndNoCertificate() {
    CertStore store = new CertStore(PatchDb.inMemory());
    assertThat(store.ca()).isEmpty();
    assertThatThrownBy(() -> store.certFor("hello-world", Set.of("x.local")))
        .isInstanceOf(SslException.class)
        .hasMessageContaining("finish setup first");
  }

  @Test
  void leavesAreIssuedOnceCachedInTheDatabaseAndReused() {
    PatchDb db = dbWithCa();
    CertStore store = new CertStore(db, Clock.fixed(SETUP.plusSeconds(60), ZoneOffset.UTC));

    FullChain first = store.certFor("hello-world", Set.of("brave-otter.local", "192.168.1.7"));
    long sequence = db.sequence();
    FullChain again = store.certFor("hello-world", Set.of("192.168.1.7", "brave-otter.local"));

    assertThat(db.sequence()).as("a cached leaf needs no new revision").isEqualTo(sequence);
    assertThat(again.ecdsa().certificate()).isEqualTo(first.ecdsa().certificate());
    assertThat(again.ed25519().certificate()).isEqualTo(first.ed25519().certificate());
    assertThat(again.ecdsa().key()).isEqualTo(first.ecdsa().key());
    assertThat(first.leaf(KeyAlgorithm.ED25519).key().getAlgorithm()).isIn("Ed25519", "EdDSA");
    assertThat(first.ecdsa().chain().get(2)).isEqualTo(store.ca().orElseThrow().root());
    assertThat(
            db.get(
                    CertStore.POINTER
                        + "/packageLeaves/hello-world/[\"192.168.1.7\",\"brave-otter.local\"]/certs")
                .orElseThrow()
                .fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("ed25519", "nistp256");
  }

  @Test
  void aLeafWithLessThan30DaysLeftIsRenewedWithTheSameKeys() {
    PatchDb db = dbWithCa();
    FullChain old =
        new CertStore(db, Clock.fixed(SETUP, ZoneOffset.UTC))
            .certFor("hello-world", Set.of("calm-heron.local"));
    Instant later = SETUP.plus(Duration.ofDays(370));
    FullChain renewed =
        new CertStore(db, Clock.fixed(later, ZoneOffset.UTC))
            .certFor("hello-world", Set.of("calm-heron.local"));

    assertThat(renewed.ecdsa().certificate()).isNotEqualTo(old.ecdsa().certificate());
    assertThat(renewed.ecdsa().certificate().getNotAfter().toInstant())
        .isEqualTo(later.plus(Duration.ofDays(397)));
    assertThat(renewed.ecdsa().certificate().getPublicKey())
        .isEqualTo(old.ecdsa().certificate().getPublicKey());
    assertThat(renewed.ed25519().certificate().getPublicKey())
        .isEqualTo(old.ed25519().certificate().getPublicKey());
  }

  @Test
  void twoPackagesAskingForTheSameNamesNeverShareAKey() {
    CertStore store = new CertStore(dbWithCa(), Clock.fixed(SETUP.plusSeconds(60), ZoneOffset.UTC));

    FullChain mine = store.certFor("hello-world", Set.of("brave-otter.local", "192.168.1.7"));
    FullChain theirs = store.certFor("intruder", Set.of("brave-otter.local", "192.168.1.7"));

    assertThat(theirs.ecdsa().key()).isNotEqualTo(mine.ecdsa().key());
    assertThat(theirs.ed25519().key()).isNotEqualTo(mine.ed25519().key());
  }

  @Test
  void aPackageAskingForEverNewNamesKeepsOnlyItsLatestLeavesAndOthersKeepTheirs() {
    PatchDb db = dbWithCa();
    CertStore store = new CertStore(db, Clock.fixed(SETUP.plusSeconds(60), ZoneOffset.UTC));
    FullChain victim = store.certFor("hello-world", Set.of("brave-otter.local"));

    for (int i = 0; i < CertStore.MAX_PER_OWNER + 10; i++) {
      new CertStore(db, Clock.fixed(SETUP.plusSeconds(120 + i), ZoneOffset.UTC))
          .certFor("flooder", Set.of("n" + i + ".brave-otter.local"));
    }

    assertThat(db.get(CertStore.POINTER + "/packageLeaves/flooder").orElseThrow().size())
        .isEqualTo(CertStore.MAX_PER_OWNER);
    assertThat(
            db.get(CertStore.POINTER + "/packageLeaves/flooder")
                .orElseThrow()
                .has("[\"n0.brave-otter.local\"]"))
        .as("the oldest leaf went first")
        .isFalse();
    assertThat(store.certFor("hello-world", Set.of("brave-otter.local")).ecdsa().key())
        .isEqualTo(victim.ecdsa().key());
  }

  @Test
  void anUninstalledPackagesKeysAreDroppedAndOthersStay() {
    PatchDb db = dbWithCa();
    CertStore store = new CertStore(db, Clock.fixed(SETUP.plusSeconds(60), ZoneOffset.UTC));
    store.certFor("gone", Set.of("gone.startos"));
    store.certFor("hello-world", Set.of("hello-world.startos"));

    new Database(db).update(Slots.LOCAL_CERTS, certs -> CertStore.withoutLeavesOf(certs, "gone"));

    assertThat(db.get(CertStore.POINTER + "/packageLeaves/gone")).isEmpty();
    assertThat(db.get(CertStore.POINTER + "/packageLeaves/hello-world")).isPresent();
    assertThat(db.get(CertStore.POINTER + "/leaves")).as("no key shared by name set").isEmpty();
  }

  private static PatchDb dbWithCa() {
    LocalCa ca = LocalCa.create("brave-otter", SETUP);
    PatchDb db = PatchDb.inMemory();
    db.mutate(root -> {
      ObjectNode certs =
          root.withObjectProperty("private")
              .withObjectProperty("keyStore")
              .withObjectProperty("localCerts");
      certs.put("rootKey", ca.rootKeyPem());
      certs.put("rootCert", ca.rootCertPem());
      certs.put("intKey", ca.intermediateKeyPem());
      certs.put("intCert", ca.intermediateCertPem());
      certs.putObject("leaves");
      return null;
    });
    return db;
  }
}
