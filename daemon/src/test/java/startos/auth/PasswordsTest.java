package startos.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import startos.rpc.RpcError;
import startos.rpc.RpcErrors;

class PasswordsTest {
  // vectors from the Argon2 reference implementation's test suite (password "password", salt
  // "somesalt")
  private static final String REFERENCE_ID_T2_M16_P1 =
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
  private static final String REFERENCE_I_T2_M16_P4_L24 =
      "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";

  @Test
  void hashingTheReferenceInputsGivesTheReferencePhcString() {
    String phc =
        Passwords.hash("password", "somesalt".getBytes(StandardCharsets.UTF_8), 65536, 2, 1);
    assertThat(phc).isEqualTo(REFERENCE_ID_T2_M16_P1);
  }

  @Test
  void referenceHashesVerifyOnlyWithTheRightPassword() {
    assertThat(Passwords.verify(REFERENCE_ID_T2_M16_P1, "password")).isTrue();
    assertThat(Passwords.verify(REFERENCE_ID_T2_M16_P1, "Password")).isFalse();
    assertThat(Passwords.verify(REFERENCE_I_T2_M16_P4_L24, "password")).isTrue();
  }

  @Test
  void freshHashesAreSaltedArgon2idPhcStringsThatVerify() {
    String a = Passwords.hash("correct horse");
    String b = Passwords.hash("correct horse");
    assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(b);
    // 16-byte salt = 22 unpadded base64 chars, 32-byte hash = 43
    String[] parts = a.split("\\$");
    assertThat(parts[4]).hasSize(22);
    assertThat(parts[5]).hasSize(43);
    assertThat(Passwords.verify(a, "correct horse")).isTrue();
    assertThat(Passwords.verify(a, "correct horse ")).isFalse();
  }

  @Test
  void nonAsciiPasswordsRoundTrip() {
    String phc = Passwords.hash("pässwörd-𝄞");
    assertThat(Passwords.verify(phc, "pässwörd-𝄞")).isTrue();
    assertThat(Passwords.verify(phc, "passwort-𝄞")).isFalse();
  }

  @Test
  void aCorruptHashIsAClearErrorNotAWrongPassword() {
    assertThatThrownBy(() -> Passwords.verify("plaintext", "x"))
        .isInstanceOf(PasswordHashException.class)
        .hasMessageContaining("not an argon2 PHC string");
    assertThatThrownBy(
            () -> Passwords.verify("$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXP", "x"))
        .isInstanceOf(PasswordHashException.class)
        .hasMessageContaining("out-of-range");
  }

  @Test
  void aCorruptHashReachesTheCallerAsADatabaseErrorWithItsSentence() {
    RpcError error;
    try {
      Passwords.verify("plaintext", "x");
      throw new AssertionError("a corrupt hash verified");
    } catch (PasswordHashException e) {
      error = RpcErrors.from(e);
    }
    assertThat(error.code()).isEqualTo(29);
    assertThat(error.message()).isEqualTo("Database Error");
    assertThat(error.details()).contains("not an argon2 PHC string");
  }
}
