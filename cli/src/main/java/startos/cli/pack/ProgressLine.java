package startos.cli.pack;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows what a long command is doing on stderr: on a terminal one line redrawn with {@code \r}
 * (phase, percent, MiB); otherwise one line per phase, so logs stay readable.
 */
final class ProgressLine {
  private final PrintWriter err;
  private final boolean terminal;
  private String phase = "";
  private long lastDraw;
  private boolean dirty;

  ProgressLine(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  synchronized void phase(String name) {
    finishLine();
    phase = name;
    if (terminal) {
      err.print("\r" + name + "...");
      dirty = true;
    } else {
      err.println(name + "...");
    }
    err.flush();
  }

  /** Byte progress within the current phase; redraws at most ten times a second. */
  synchronized void bytes(long done, long total) {
    if (!terminal) {
      return;
    }
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    err.print("\r\033[K" + render(phase, done, total));
    err.flush();
    dirty = true;
  }

  synchronized void done(String message) {
    finishLine();
    err.println(message);
    err.flush();
  }

  static String render(String phase, long done, long total) {
    double mib = 1024.0 * 1024.0;
    if (total <= 0) {
      return String.format(Locale.ROOT, "%s: %.1f MiB", phase, done / mib);
    }
    return String.format(
        Locale.ROOT,
        "%s: %3d%% (%.1f/%.1f MiB)",
        phase,
        Math.min(100, done * 100 / total),
        done / mib,
        total / mib);
  }

  private void finishLine() {
    if (terminal && dirty) {
      err.println();
      dirty = false;
    }
  }
}
