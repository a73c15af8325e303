package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the {@code FullProgress} frames startd streams ({@code {overall, phases: [{name,
 * progress}]}}) into text for stderr. On a terminal the active phase is one line redrawn with
 * {@code \r} (name, percent, bytes) and each finished phase leaves a "done" line; otherwise only
 * phase changes print, one line each, so logs stay readable.
 */
final class ProgressFrames {
  private static final String CLEAR_LINE = "\r\033[K";

  enum Stage {
    PENDING,
    ACTIVE,
    DONE
  }

  private final boolean terminal;
  private final Map<String, Stage> stages = new HashMap<>();
  private String drawn = "";

  ProgressFrames(boolean terminal) {
    this.terminal = terminal;
  }

  /** The text to print for this frame (empty when nothing a reader would notice changed). */
  String frame(JsonNode fullProgress) {
    StringBuilder b = new StringBuilder();
    String active = "";
    for (JsonNode phase : fullProgress.path("phases")) {
      String name = phase.path("name").asText("?");
      JsonNode progress = phase.path("progress");
      Stage now = stage(progress);
      Stage before = stages.getOrDefault(name, Stage.PENDING);
      if (now != before) {
        stages.put(name, now);
        if (now == Stage.DONE) {
          b.append(clearLine()).append(name).append(": done\n");
        } else if (now == Stage.ACTIVE && !terminal) {
          b.append(name).append("...\n");
        }
      }
      if (now == Stage.ACTIVE && active.isEmpty()) {
        active = name + ": " + describe(progress);
      }
    }
    if (terminal && !active.isEmpty() && !active.equals(drawn)) {
      b.append(CLEAR_LINE).append(active);
      drawn = active;
    }
    return b.toString();
  }

  /** Ends a redrawn line so what follows starts on its own line. */
  String finish() {
    if (terminal && !drawn.isEmpty()) {
      drawn = "";
      return "\n";
    }
    return "";
  }

  /** Whether the operation is over: {@code overall === true}. */
  static boolean complete(JsonNode fullProgress) {
    JsonNode overall = fullProgress.path("overall");
    return overall.isBoolean() && overall.booleanValue();
  }

  static Stage stage(JsonNode progress) {
    if (progress.isNull() || progress.isMissingNode()) {
      return Stage.PENDING;
    }
    if (progress.isBoolean()) {
      return progress.booleanValue() ? Stage.DONE : Stage.ACTIVE;
    }
    if (progress.has("phases")) {
      return stage(progress.path("overall"));
    }
    return Stage.ACTIVE;
  }

  /** One progress value as a person reads it: "42% (4.0/9.5 MiB)", "3/5 steps (60%)", "done". */
  static String describe(JsonNode progress) {
    if (progress.isNull() || progress.isMissingNode()) {
      return "waiting";
    }
    if (progress.isBoolean()) {
      return progress.booleanValue() ? "done" : "working";
    }
    if (progress.has("phases")) {
      String text = describe(progress.path("overall"));
      for (JsonNode sub : progress.path("phases")) {
        if (stage(sub.path("progress")) == Stage.ACTIVE) {
          return text + " (" + sub.path("name").asText("?") + ")";
        }
      }
      return text;
    }
    long done = progress.path("done").asLong(0);
    JsonNode totalNode = progress.path("total");
    long total = totalNode.canConvertToLong() ? totalNode.asLong() : -1;
    String units = progress.path("units").asText("");
    if (units.equals("bytes")) {
      return bytes(done, total);
    }
    String suffix = units.isEmpty() ? "" : " " + units;
    if (total <= 0) {
      return done + suffix;
    }
    return String.format(
        Locale.ROOT, "%d/%d%s (%d%%)", done, total, suffix, Math.min(100, done * 100 / total));
  }

  static String bytes(long done, long total) {
    double mib = 1024.0 * 1024.0;
    if (total <= 0) {
      return String.format(Locale.ROOT, "%.1f MiB", done / mib);
    }
    return String.format(
        Locale.ROOT,
        "%d%% (%.1f/%.1f MiB)",
        Math.min(100, done * 100 / total),
        done / mib,
        total / mib);
  }

  private String clearLine() {
    if (terminal && !drawn.isEmpty()) {
      drawn = "";
      return CLEAR_LINE;
    }
    return "";
  }
}
