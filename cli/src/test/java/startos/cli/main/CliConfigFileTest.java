package startos.cli.main;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CliConfigFileTest {
  @Test
  void flatYamlConfigSkipsNestedSectionsAndComments() {
    var values =
        CliConfigFile.parseYaml(
            "host: http://a:1 # comment\nregistry:\n  main: http://r\ncookie-path: '/x/y'\nempty:\n");
    assertThat(values).containsOnlyKeys("host", "cookie-path");
    assertThat(values).doesNotContainKey("main");
  }
}
