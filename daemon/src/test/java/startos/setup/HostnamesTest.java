package startos.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class HostnamesTest {
  @Test
  void wordListsHoldAboutAHundredDistinctLowercaseWordsEach() {
    assertThat(Hostnames.adjectives()).hasSizeGreaterThanOrEqualTo(100).doesNotHaveDuplicates();
    assertThat(Hostnames.nouns()).hasSizeGreaterThanOrEqualTo(100).doesNotHaveDuplicates();
    assertThat(Hostnames.adjectives()).allMatch(w -> w.matches("[a-z]+"));
    assertThat(Hostnames.nouns()).allMatch(w -> w.matches("[a-z]+"));
  }

  @Test
  void generatedHostnamesAreValidAndVaried() {
    HashSet<String> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String hostname = Hostnames.generate();
      assertThat(Hostnames.validate(hostname)).isEqualTo(hostname);
      assertThat(hostname).matches("[a-z]+-[a-z]+");
      seen.add(hostname);
    }
    assertThat(seen).hasSizeGreaterThan(30);
  }

  @Test
  void namesAndHostnamesConvertBothWays() {
    assertThat(Hostnames.fromName("My  Home Server!")).isEqualTo("my-home-server");
    assertThat(Hostnames.fromName("  --Büro 42--")).isEqualTo("bro-42");
    assertThat(Hostnames.toName("brave-otter")).isEqualTo("Brave Otter");
    assertThat(Hostnames.fromName("!!")).matches("[a-z]+-[a-z]+");
  }

  @Test
  void invalidHostnamesAreRefusedWithAReason() {
    assertThatThrownBy(() -> Hostnames.validate("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Hostnames.validate("has space"))
        .hasMessageContaining("invalid character ' '");
    assertThatThrownBy(() -> Hostnames.validate("a".repeat(64)))
        .hasMessageContaining("longer than 63");
    assertThatThrownBy(() -> Hostnames.validate("abcd-")).hasMessageContaining("start or end");
  }
}
