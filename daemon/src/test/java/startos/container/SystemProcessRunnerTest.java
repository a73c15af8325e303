package startos.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemProcessRunnerTest {
  private final SystemProcessRunner runner = new SystemProcessRunner();

  @Test
  void returnsExitCodeAndKeepsStdoutAndStderrApart() {
    ProcessResult r =
        runner.run(
            List.of("sh", "-c", "cat; echo oops >&2; exit 3"), "fed in", Duration.ofSeconds(10));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("fed in");
    assertThat(r.stderr()).isEqualTo("oops\n");
    assertThatThrownBy(() -> r.orThrow("cat failed"))
        .isInstanceOf(ContainerException.class)
        .hasMessage("cat failed: `sh -c cat; echo oops >&2; exit 3` exited with 3: oops");
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsKilledAndReported() {
    long t0 = System.nanoTime();

    assertThatThrownBy(() -> runner.run(List.of("sleep", "30"), "", Duration.ofMillis(200)))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("`sleep 30` did not finish within PT0.2S; killed it");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aMissingProgramIsAClearError() {
    assertThatThrownBy(() -> runner.run("no-such-program-startos"))
        .isInstanceOf(ContainerException.class)
        .hasMessageStartingWith("cannot run `no-such-program-startos`");
  }
}
