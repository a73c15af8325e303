package startos.effects;

import static startos.effects.EffectParams.required;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import startos.exver.ExverParseException;
import startos.exver.VersionRange;
import startos.rpc.ProtocolException;

/**
 * Params of the dependency and progress effects, named and shaped as the SDK's types ({@code
 * T.DependencyRequirement}, {@code Effects.setDependencies}). From the package (untrusted).
 */
final class DependencyParams {
  private DependencyParams() {}

  /** {@code DependencyRequirement.kind}. */
  enum DependencyKind {
    @JsonProperty("running")
    RUNNING,
    @JsonProperty("exists")
    EXISTS
  }

  /** {@code T.DependencyRequirement}: {@code healthChecks} only with {@code running}. */
  record DependencyRequirement(
      DependencyKind kind, String id, Optional<List<String>> healthChecks, String versionRange) {
    DependencyRequirement {
      required(kind, "kind", "\"running\" or \"exists\"");
      ControlEffects.checkId(required(id, "id", "a string"), "dependencies[].id");
      required(versionRange, "versionRange", "a string");
      checkRange(id, versionRange);
      if (kind == DependencyKind.RUNNING) {
        required(healthChecks.orElse(null), "healthChecks", "an array");
      }
    }
  }

  /** Ranges a real package writes are a few dozen characters, nested a level or two. */
  static final int MAX_RANGE_CHARS = 1024;

  static final int MAX_RANGE_NESTING = 64;

  /**
   * A range StartOS could not read is refused, as StartOS refuses it (its type is {@code
   * VersionRange}); length and nesting are bounded first because the parser recurses.
   */
  private static void checkRange(String id, String range) {
    if (range.length() > MAX_RANGE_CHARS) {
      throw ProtocolException.invalidParams(
          "the versionRange for " + id + " is longer than " + MAX_RANGE_CHARS + " characters");
    }
    if (range.chars().filter(ch -> ch == '(' || ch == '!').count() > MAX_RANGE_NESTING) {
      throw ProtocolException.invalidParams(
          "the versionRange for " + id + " nests more than " + MAX_RANGE_NESTING + " levels");
    }
    try {
      VersionRange.parse(range);
    } catch (ExverParseException e) {
      throw ProtocolException.invalidParams(
          "the versionRange for " + id + " is not a version range: " + e.getMessage());
    }
  }

  /** {@code setDependencies({dependencies})}. */
  record SetDependencies(List<DependencyRequirement> dependencies) {
    SetDependencies {
      required(dependencies, "dependencies", "an array");
      if (dependencies.size() > EffectLimits.MAX_DEPENDENCIES) {
        throw ProtocolException.invalidParams(
            "a package may declare at most "
                + EffectLimits.MAX_DEPENDENCIES
                + " dependencies, got "
                + dependencies.size());
      }
      for (int i = 0; i < dependencies.size(); i++) {
        if (dependencies.get(i) == null) {
          throw ProtocolException.invalidParams("every dependency must be an object, got null");
        }
      }
      dependencies = List.copyOf(dependencies);
    }
  }

  /** {@code checkDependencies({packageIds?})}: all declared dependencies when absent. */
  record CheckDependencies(Optional<List<String>> packageIds) {}

  /** {@code setInitProgress} / {@code setBackupProgress}: {@code {progress: Progress}}. */
  record ProgressParams(JsonNode progress) {
    ProgressParams {
      // JSON null is a Progress ("no progress reported"); only an absent field is refused
      required(progress, "progress", "a JSON value");
    }
  }
}
