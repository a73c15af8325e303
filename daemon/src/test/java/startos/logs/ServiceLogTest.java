package startos.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceLogTest {
  @TempDir Path dir;

  @Test
  void pagesBackwardAndForwardByCursorAndFiltersByBoot() {
    ServiceLog log = new ServiceLog(dir, "boot-a");
    for (int i = 1; i <= 10; i++) {
      log.append("line " + i);
    }
    List<LogEntry> last = log.read(3, Optional.empty(), true, Optional.empty());
    assertThat(last).extracting(LogEntry::message).containsExactly("line 8", "line 9", "line 10");
    List<LogEntry> before = log.read(3, Optional.of(last.get(0).cursor()), true, Optional.empty());
    assertThat(before).extracting(LogEntry::message).containsExactly("line 5", "line 6", "line 7");
    List<LogEntry> after = log.read(2, Optional.of(5L), false, Optional.empty());
    assertThat(after).extracting(LogEntry::message).containsExactly("line 6", "line 7");
    log.close();

    ServiceLog again = new ServiceLog(dir, "boot-b");
    again.append("after reboot");
    assertThat(again.read(100, Optional.empty(), true, Optional.of("boot-b")))
        .extracting(LogEntry::message)
        .containsExactly("after reboot");
    assertThat(again.read(100, Optional.empty(), true, Optional.empty())).hasSize(11);
    var page = ServiceLog.page(again.read(2, Optional.empty(), true, Optional.empty()));
    assertThat(page.path("startCursor").asText()).isEqualTo("10");
    assertThat(page.path("endCursor").asText()).isEqualTo("11");
    assertThat(page.path("entries").get(1).path("bootId").asText()).isEqualTo("boot-b");
  }

  @Test
  void tailsAConsoleFileLineByLineAndTellsFollowers() throws Exception {
    ServiceLog log = new ServiceLog(dir.resolve("logs"), "b");
    List<String> followed = java.util.Collections.synchronizedList(new ArrayList<>());
    AutoCloseable sub = log.follow(e -> followed.add(e.message()));
    Path console = dir.resolve("console.log");
    log.tail(console);
    Files.writeString(console, "first\nsecond par");
    Thread.sleep(300);
    Files.writeString(console, "t\n", StandardOpenOption.APPEND);
    long t0 = System.nanoTime();
    while (followed.size() < 2 && System.nanoTime() - t0 < 3_000_000_000L) {
      Thread.sleep(20);
    }
    log.stopTailing();
    sub.close();
    assertThat(followed).containsExactly("first", "second part");
    assertThat(log.end()).isEqualTo(2);
  }
}
