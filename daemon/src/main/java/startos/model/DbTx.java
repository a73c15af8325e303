package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Typed reads and writes on the private copy of the document a {@link Database#mutate} change runs
 * on. Valid only during that change.
 */
public final class DbTx {
  private final ObjectNode root;

  DbTx(ObjectNode root) {
    this.root = root;
  }

  public Optional<PackageDataEntry> packageEntry(String id) {
    JsonNode entry = packageData().get(id);
    return entry instanceof ObjectNode e
        ? Optional.of(ModelJson.decode(e, PackageDataEntry.class))
        : Optional.empty();
  }

  /** The entry, or a Not Found error naming the package. */
  public PackageDataEntry requirePackage(String id) {
    return packageEntry(id)
        .orElseThrow(
            () -> new RpcException(ErrorKind.NOT_FOUND, "package " + id + " is not installed"));
  }

  public Map<String, PackageDataEntry> packages() {
    return decodePackages(packageData());
  }

  public List<String> packageIds() {
    List<String> ids = new java.util.ArrayList<>();
    packageData().fieldNames().forEachRemaining(ids::add);
    return ids;
  }

  public void putPackage(String id, PackageDataEntry entry) {
    packageData().set(id, ModelJson.encode(entry));
  }

  /**
   * @return false when the package has no entry (nothing changed)
   */
  public boolean updatePackage(String id, UnaryOperator<PackageDataEntry> change) {
    Optional<PackageDataEntry> entry = packageEntry(id);
    entry.ifPresent(e -> putPackage(id, change.apply(e)));
    return entry.isPresent();
  }

  public void removePackage(String id) {
    packageData().remove(id);
  }

  public ServerInfo serverInfo() {
    return ModelJson.decode(object(object(root, "public"), "serverInfo"), ServerInfo.class);
  }

  public void setServerInfo(ServerInfo info) {
    object(root, "public").set("serverInfo", ModelJson.encode(info));
  }

  public void updateServerInfo(UnaryOperator<ServerInfo> change) {
    setServerInfo(change.apply(serverInfo()));
  }

  public <T> T get(Slot<T> slot) {
    JsonNode node = root.at(slot.pointer());
    return node.isMissingNode() || node.isNull()
        ? slot.absent()
        : ModelJson.<T>decode(node, slot.type());
  }

  public <T> void set(Slot<T> slot, T value) {
    int cut = slot.pointer().lastIndexOf('/');
    ObjectNode parent = parentOf(slot.pointer().substring(0, cut));
    parent.set(slot.pointer().substring(cut + 1), ModelJson.encode(value));
  }

  public <T> void update(Slot<T> slot, UnaryOperator<T> change) {
    set(slot, change.apply(get(slot)));
  }

  static Map<String, PackageDataEntry> decodePackages(JsonNode packageData) {
    Map<String, PackageDataEntry> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : packageData.properties()) {
      out.put(e.getKey(), ModelJson.decode(e.getValue(), PackageDataEntry.class));
    }
    return Collections.unmodifiableMap(out);
  }

  private ObjectNode packageData() {
    return object(object(root, "public"), "packageData");
  }

  /** The object at {@code pointer} (slash-separated plain names), created when missing. */
  private ObjectNode parentOf(String pointer) {
    ObjectNode node = root;
    for (String name : pointer.substring(1).split("/")) {
      node = object(node, name);
    }
    return node;
  }

  private static ObjectNode object(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
  }
}
