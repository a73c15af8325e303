package startos.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTokenTest {
  @Test
  void tokensAreLowerCaseBase32Of16BytesAndIdsOfTheirSha256() {
    SessionToken token = SessionToken.generate();
    assertThat(token.token()).matches("[a-z2-7]{26}");
    assertThat(token.hashedId()).matches("[a-z2-7]{52}");
    assertThat(SessionToken.of(token.token()).hashedId()).isEqualTo(token.hashedId());
    assertThat(token.toString()).doesNotContain(token.token());
  }

  @Test
  void base32MatchesRfc4648Vectors() {
    assertThat(Base32.encode("".getBytes())).isEmpty();
    assertThat(Base32.encode("f".getBytes())).isEqualTo("MY");
    assertThat(Base32.encode("foobar".getBytes())).isEqualTo("MZXW6YTBOI");
  }

  @Test
  void hashedIdIsBase32OfSha256() {
    // computed independently: Python base64.b32encode(sha256(b"abc")) lower-cased, unpadded
    assertThat(SessionToken.of("abc").hashedId())
        .isEqualTo("xj4bnp4pahh6uqkbidpf3lrceoyagyndsylxvhfucd7wd4qacwwq");
  }

  @Test
  void theLocalCookieFileIsOwnerOnlyAndMatchesOnlyItsContents(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(LocalAuthCookie.FILE_NAME);
    LocalAuthCookie cookie = LocalAuthCookie.generate();
    cookie.writeTo(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String contents = Files.readString(file);
    assertThat(cookie.matches(contents)).isTrue();
    assertThat(cookie.matches(contents + "x")).isFalse();
    assertThat(cookie.matches("")).isFalse();
  }
}
