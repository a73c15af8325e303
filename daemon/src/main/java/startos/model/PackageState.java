package startos.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a package is in its life ({@code T.PackageState}, {@code stateInfo}): the word in {@code
 * state} picks the shape. The manifests are kept as the package's JSON (read with {@code
 * startos.s9pk.manifest.Manifest}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "state")
@JsonSubTypes({
  @JsonSubTypes.Type(value = PackageState.Installing.class, name = "installing"),
  @JsonSubTypes.Type(value = PackageState.Restoring.class, name = "restoring"),
  @JsonSubTypes.Type(value = PackageState.Updating.class, name = "updating"),
  @JsonSubTypes.Type(value = PackageState.Installed.class, name = "installed"),
  @JsonSubTypes.Type(value = PackageState.Removing.class, name = "removing")
})
public sealed interface PackageState {
  /** The manifest this state is about: the new one while installing, restoring or updating. */
  default JsonNode targetManifest() {
    return switch (this) {
      case Installing i -> i.installingInfo().newManifest();
      case Restoring r -> r.installingInfo().newManifest();
      case Updating u -> u.installingInfo().newManifest();
      case Installed i -> i.manifest();
      case Removing r -> r.manifest();
    };
  }

  /** StartOS's word for the state, as in {@code stateInfo.state}. */
  default String word() {
    return switch (this) {
      case Installing i -> "installing";
      case Restoring r -> "restoring";
      case Updating u -> "updating";
      case Installed i -> "installed";
      case Removing r -> "removing";
    };
  }

  /** Being installed for the first time. */
  record Installing(InstallingInfo installingInfo) implements PackageState {}

  /** Being restored from a backup. */
  record Restoring(InstallingInfo installingInfo) implements PackageState {}

  /**
   * An installed version ({@code manifest}, archive {@code s9pk}, which keep running until the
   * update completes) being replaced by {@code installingInfo.newManifest}.
   */
  record Updating(JsonNode manifest, String s9pk, InstallingInfo installingInfo)
      implements PackageState {}

  /** Installed: the normal state. */
  record Installed(JsonNode manifest) implements PackageState {}

  /** Being uninstalled. */
  record Removing(JsonNode manifest) implements PackageState {}
}
