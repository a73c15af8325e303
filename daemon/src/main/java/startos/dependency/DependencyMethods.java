package startos.dependency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import startos.model.CurrentDependencyInfo;
import startos.model.Database;
import startos.model.PackageDataEntry;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;

/**
 * {@code package.dependency.check {id}} (our addition: StartOS's UI computes this itself from the
 * database, {@code DepErrorService}): for one package, whether each of its dependencies is
 * satisfied now and why not, and which installed packages depend on it. start-cli uses it to warn
 * where StartOS's UI warns (start with unmet dependencies, stop or uninstall of a dependency,
 * install without a required dependency); nothing is refused, as StartOS refuses nothing.
 */
public final class DependencyMethods {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Database db;

  public DependencyMethods(Database db) {
    this.db = db;
  }

  public void register(RpcRouter r) {
    r.register("package.dependency.check", (p, c) -> check(id(p)));
  }

  private static String id(JsonNode p) {
    String id = Params.of(p).string("id");
    if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw ProtocolException.invalidParams("'" + id + "' is not a package id");
    }
    return id;
  }

  JsonNode check(String id) {
    Map<String, PackageDataEntry> packages = db.packages();
    PackageDataEntry self = packages.get(id);
    if (self == null) {
      throw new RpcException(ErrorKind.NOT_FOUND, id + " is not installed");
    }
    ObjectNode out = NODES.objectNode();
    ArrayNode deps = out.putArray("dependencies");
    Map<String, Optional<Unmet>> declared = DependencyCheck.check(self, packages);
    declared.forEach((dep, unmet) -> {
      row(deps.addObject().put("id", dep), kind(self, dep), unmet);
    });
    // required in the manifest but not (yet) declared at runtime: only presence can be judged
    self.targetManifest()
        .path("dependencies")
        .properties()
        .forEach(e -> {
          if (declared.containsKey(e.getKey()) || e.getValue().path("optional").asBoolean()) {
            return;
          }
          Optional<Unmet> unmet =
              packages.containsKey(e.getKey())
                  ? Optional.empty()
                  : Optional.of(new Unmet.NotInstalled(e.getKey()));
          row(deps.addObject().put("id", e.getKey()), "required", unmet);
        });
    ArrayNode dependents = out.putArray("dependents");
    packages.forEach((other, entry) -> {
      if (!other.equals(id) && entry.currentDependencies().containsKey(id)) {
        Optional<Unmet> unmet =
            DependencyCheck.check(entry, packages).getOrDefault(id, Optional.empty());
        row(dependents.addObject().put("id", other), kind(entry, id), unmet);
      }
    });
    return out;
  }

  private static String kind(PackageDataEntry dependent, String dep) {
    return dependent.currentDependencies().get(dep) instanceof CurrentDependencyInfo.Running
        ? "running"
        : "exists";
  }

  private static void row(ObjectNode r, String kind, Optional<Unmet> unmet) {
    r.put("kind", kind);
    r.put("satisfied", unmet.isEmpty());
    r.set(
        "problem", unmet.<JsonNode>map(u -> NODES.textNode(u.message())).orElse(NODES.nullNode()));
  }
}
