package startos.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContinuationSocketTest {
  @Test
  void aFailureReasonKeepsAsMuchAsTheProtocolAllows() {
    String shortReason = "install failed: init threw";
    assertThat(ContinuationSocket.closeReason(shortReason)).isEqualTo(shortReason);
    String longReason = "x".repeat(200);
    assertThat(ContinuationSocket.closeReason(longReason)).hasSize(123);
    String multiByte = "é".repeat(100); // 200 bytes
    String cut = ContinuationSocket.closeReason(multiByte);
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
    assertThat(cut).isEqualTo("é".repeat(61));
  }
}
