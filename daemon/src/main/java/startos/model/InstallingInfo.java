package startos.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code T.InstallingInfo}: the manifest being installed and the install's progress ({@code
 * T.FullProgress}, built by {@code startos.install.InstallProgress}).
 */
public record InstallingInfo(JsonNode newManifest, JsonNode progress) {
  public InstallingInfo withProgress(JsonNode v) {
    return new InstallingInfo(newManifest, v);
  }
}
