package startos.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One dependency a package declared with {@code set-dependencies} ({@code
 * T.CurrentDependencyInfo}); {@code kind} picks whether it must only exist or also run.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = CurrentDependencyInfo.Exists.class, name = "exists"),
  @JsonSubTypes.Type(value = CurrentDependencyInfo.Running.class, name = "running")
})
public sealed interface CurrentDependencyInfo {
  /** The dependency's title as its manifest gives it (a {@code LocaleString}); empty: unknown. */
  Optional<JsonNode> title();

  /** Its icon as a {@code data:} URL; empty: unknown. */
  Optional<String> icon();

  /** The versions that satisfy it (exver range). */
  String versionRange();

  /** Installed in range is enough. */
  record Exists(Optional<JsonNode> title, Optional<String> icon, String versionRange)
      implements CurrentDependencyInfo {
    public Exists {
      title = ModelJson.tree(title);
      icon = icon == null ? Optional.empty() : icon;
    }
  }

  /** Installed in range, running, and the named health checks passing. */
  record Running(
      Optional<JsonNode> title,
      Optional<String> icon,
      String versionRange,
      List<String> healthChecks)
      implements CurrentDependencyInfo {
    public Running {
      title = ModelJson.tree(title);
      icon = icon == null ? Optional.empty() : icon;
      healthChecks = ModelJson.list(healthChecks);
    }
  }
}
