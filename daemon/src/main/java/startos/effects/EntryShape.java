package startos.effects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import startos.model.DerivedAddressInfo;
import startos.model.LegacyShapes;
import startos.model.ModelJson;
import startos.model.PackagePlugin;
import startos.model.Slots;

/**
 * Raw-JSON helpers left for code not yet moved to {@link startos.model} ({@code
 * startos.service.InstallEntries}, {@code startos.install.Installer}, {@code
 * startos.setup.InitialDb}); the effects use the records. Stateless.
 *
 * @deprecated use {@link startos.model.Database} and the records; delete once unused
 */
@Deprecated
public final class EntryShape {
  /** Where the data versions live ({@link Slots#DATA_VERSIONS}). */
  public static final String DATA_VERSIONS = Slots.DATA_VERSIONS.pointer();

  private EntryShape() {}

  /** {@link Slots#DATA_VERSIONS} in a root being mutated, created when missing. */
  public static ObjectNode dataVersions(ObjectNode root) {
    ObjectNode node = root;
    for (String name : DATA_VERSIONS.substring(1).split("/")) {
      node = PackageData.object(node, name);
    }
    return node;
  }

  /** {@link DerivedAddressInfo#NONE} as JSON. */
  public static ObjectNode addresses() {
    return (ObjectNode) ModelJson.encode(DerivedAddressInfo.NONE);
  }

  /** {@link PackagePlugin#NONE} as JSON. */
  public static ObjectNode plugin() {
    return (ObjectNode) ModelJson.encode(PackagePlugin.NONE);
  }

  /** See {@link LegacyShapes#dbManifest}. */
  public static ObjectNode dbManifest(ObjectNode manifest) {
    return LegacyShapes.dbManifest(manifest);
  }
}
