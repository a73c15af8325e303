package startos.s9pk.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkException;

/**
 * {@code manifest.json} of an S9PK (StartOS 0.4). Versions and ranges stay strings here. Fields
 * this model does not know are kept in {@code extra} and written back unchanged.
 */
public record Manifest(
    String id,
    String version,
    List<String> satisfies,
    String canMigrateTo,
    String canMigrateFrom,
    String title,
    Description description,
    LocaleString releaseNotes,
    Optional<String> gitHash,
    String license,
    String packageRepo,
    String upstreamRepo,
    Optional<String> marketingUrl,
    Optional<String> donationUrl,
    String osVersion,
    Optional<String> sdkVersion,
    boolean hardwareAcceleration,
    boolean userspaceFilesystems,
    boolean virtualNetworking,
    List<String> plugins,
    Map<String, ImageConfig> images,
    List<String> volumes,
    Map<String, DependencyInfo> dependencies,
    HardwareRequirements hardwareRequirements,
    Map<String, JsonNode> extra) {

  /** Package, image, volume and other ids. */
  public static final Pattern ID = Pattern.compile("^[a-z0-9]+(-[a-z0-9]+)*$");

  /** Architectures StartOS builds for. */
  public static final Set<String> ARCHES = Set.of("x86_64", "aarch64", "riscv64");

  /** The OS version assumed when {@code osVersion} is absent. */
  public static final String DEFAULT_OS_VERSION = "0.4.0";

  private static final String WHAT = "manifest.json";
  private static final Set<String> KNOWN =
      Set.of(
          "id",
          "version",
          "satisfies",
          "canMigrateTo",
          "canMigrateFrom",
          "title",
          "description",
          "releaseNotes",
          "gitHash",
          "license",
          "packageRepo",
          "upstreamRepo",
          "marketingUrl",
          "donationUrl",
          "osVersion",
          "sdkVersion",
          "hardwareAcceleration",
          "userspaceFilesystems",
          "virtualNetworking",
          "plugins",
          "images",
          "volumes",
          "dependencies",
          "hardwareRequirements");

  public Manifest {
    checkId(id, "id");
    if (version.isBlank()) {
      throw new S9pkException(WHAT + ": `version` must not be empty");
    }
    satisfies = List.copyOf(satisfies);
    plugins = List.copyOf(plugins);
    volumes = List.copyOf(volumes);
    images = Map.copyOf(images);
    images.keySet().forEach(k -> checkId(k, "image id"));
    volumes.forEach(v -> checkId(v, "volume id"));
    dependencies = Map.copyOf(dependencies);
    dependencies.keySet().forEach(k -> checkId(k, "dependency id"));
    extra = Map.copyOf(extra);
  }

  private static void checkId(String id, String what) {
    if (!ID.matcher(id).matches()) {
      throw new S9pkException(
          WHAT + ": " + what + " '" + id + "' must be lowercase letters and digits joined by '-'");
    }
  }

  /** {@code {short, long}}. */
  public record Description(LocaleString shortText, LocaleString longText) {}

  /** One container image: {@code source} is {@code "packed"} inside a built archive. */
  public record ImageConfig(
      JsonNode source,
      List<String> arch,
      Optional<String> emulateMissingAs,
      boolean nvidiaContainer) {
    public ImageConfig {
      source = source.deepCopy();
      arch = List.copyOf(arch);
    }
  }

  /** A dependency; {@code extra} keeps {@code metadata}, {@code s9pk} and unknown fields. */
  public record DependencyInfo(
      Optional<LocaleString> description, boolean optional, Map<String, JsonNode> extra) {
    public DependencyInfo {
      extra = Map.copyOf(extra);
    }
  }

  /** {@code device} filters stay raw JSON. */
  public record HardwareRequirements(
      List<JsonNode> device, Optional<Long> ram, Optional<List<String>> arch) {
    public HardwareRequirements {
      device = List.copyOf(device);
      arch = arch.map(List::copyOf);
    }
  }

  /** The parsed and validated {@code manifest.json} of {@code archive}. */
  public static Manifest of(S9pkArchive archive) {
    return parse(archive.read("manifest.json"));
  }

  /** Parses and checks required fields; the message names the first problem. */
  public static Manifest parse(byte[] json) {
    ObjectNode o = Json.parseObject(json, WHAT);
    JsonNode desc = Json.required(o, "description", WHAT);
    Map<String, ImageConfig> images = new LinkedHashMap<>();
    Json.object(Json.required(o, "images", WHAT), "images", WHAT)
        .forEach((k, v) -> images.put(k, image(k, v)));
    Map<String, DependencyInfo> deps = new LinkedHashMap<>();
    Json.object(o.get("dependencies"), "dependencies", WHAT)
        .forEach((k, v) -> deps.put(k, dependency(k, v)));
    JsonNode hw = o.path("hardwareRequirements");
    Optional<Long> ram = Optional.empty();
    if (hw.hasNonNull("ram")) {
      if (!hw.get("ram").canConvertToExactIntegral()) {
        throw new S9pkException(WHAT + ": `hardwareRequirements.ram` must be a number");
      }
      ram = Optional.of(hw.get("ram").asLong());
    }
    Optional<List<String>> arch =
        hw.hasNonNull("arch")
            ? Optional.of(Json.strings(hw.get("arch"), "hardwareRequirements.arch", WHAT))
            : Optional.empty();
    List<JsonNode> device = new java.util.ArrayList<>();
    if (hw.hasNonNull("device")) {
      if (!hw.get("device").isArray()) {
        throw new S9pkException(WHAT + ": `hardwareRequirements.device` must be an array");
      }
      hw.get("device").forEach(d -> device.add(d.deepCopy()));
    }
    if (!desc.isObject()) {
      throw new S9pkException(WHAT + ": `description` must be an object {short, long}");
    }
    return new Manifest(
        Json.string(o, "id", WHAT),
        Json.string(o, "version", WHAT),
        Json.strings(o.get("satisfies"), "satisfies", WHAT),
        Json.string(o, "canMigrateTo", WHAT),
        Json.string(o, "canMigrateFrom", WHAT),
        Json.string(o, "title", WHAT),
        new Description(
            LocaleString.parse(Json.required(desc, "short", WHAT + " description"), WHAT),
            LocaleString.parse(Json.required(desc, "long", WHAT + " description"), WHAT)),
        LocaleString.parse(Json.required(o, "releaseNotes", WHAT), WHAT + " releaseNotes"),
        Json.optString(o, "gitHash", WHAT),
        Json.string(o, "license", WHAT),
        Json.optString(o, "packageRepo", WHAT).orElse("https://github.com/Start9Labs"),
        Json.string(o, "upstreamRepo", WHAT),
        Json.optString(o, "marketingUrl", WHAT),
        Json.optString(o, "donationUrl", WHAT),
        Json.optString(o, "osVersion", WHAT).orElse(DEFAULT_OS_VERSION),
        Json.optString(o, "sdkVersion", WHAT),
        Json.bool(o, "hardwareAcceleration", false, WHAT),
        Json.bool(o, "userspaceFilesystems", false, WHAT),
        Json.bool(o, "virtualNetworking", false, WHAT),
        Json.strings(o.get("plugins"), "plugins", WHAT),
        images,
        Json.strings(Json.required(o, "volumes", WHAT), "volumes", WHAT),
        deps,
        new HardwareRequirements(device, ram, arch),
        Json.extra(o, KNOWN));
  }

  private static ImageConfig image(String id, JsonNode v) {
    String what = WHAT + " images." + id;
    if (!v.isObject()) {
      throw new S9pkException(what + " must be an object");
    }
    JsonNode source = v.has("source") ? v.get("source") : Json.NODES.textNode("packed");
    return new ImageConfig(
        source,
        Json.strings(v.get("arch"), "arch", what),
        Json.optString(v, "emulateMissingAs", what),
        Json.bool(v, "nvidiaContainer", false, what));
  }

  private static DependencyInfo dependency(String id, JsonNode v) {
    String what = WHAT + " dependencies." + id;
    if (!v.isObject()) {
      throw new S9pkException(what + " must be an object");
    }
    Optional<LocaleString> description =
        v.hasNonNull("description")
            ? Optional.of(LocaleString.parse(v.get("description"), what))
            : Optional.empty();
    return new DependencyInfo(
        description,
        Json.bool(v, "optional", false, what),
        Json.extra(v, Set.of("description", "optional")));
  }

  /** The JSON form, with every field StartOS writes plus the unknown ones kept from parsing. */
  public ObjectNode toJsonNode() {
    ObjectNode o = Json.NODES.objectNode();
    o.put("id", id);
    o.put("version", version);
    o.set("satisfies", Json.array(satisfies));
    o.put("canMigrateTo", canMigrateTo);
    o.put("canMigrateFrom", canMigrateFrom);
    o.put("title", title);
    ObjectNode desc = o.putObject("description");
    desc.set("short", description.shortText().json());
    desc.set("long", description.longText().json());
    o.set("releaseNotes", releaseNotes.json());
    o.set("gitHash", Json.nullable(gitHash));
    o.put("license", license);
    o.put("packageRepo", packageRepo);
    o.put("upstreamRepo", upstreamRepo);
    o.set("marketingUrl", Json.nullable(marketingUrl));
    o.set("donationUrl", Json.nullable(donationUrl));
    o.put("osVersion", osVersion);
    o.set("sdkVersion", Json.nullable(sdkVersion));
    o.put("hardwareAcceleration", hardwareAcceleration);
    o.put("userspaceFilesystems", userspaceFilesystems);
    o.put("virtualNetworking", virtualNetworking);
    o.set("plugins", Json.array(plugins));
    ObjectNode imgs = o.putObject("images");
    images.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          ObjectNode i = imgs.putObject(e.getKey());
          i.set("source", e.getValue().source());
          i.set("arch", Json.array(e.getValue().arch()));
          i.set("emulateMissingAs", Json.nullable(e.getValue().emulateMissingAs()));
          i.put("nvidiaContainer", e.getValue().nvidiaContainer());
        });
    o.set("volumes", Json.array(volumes));
    ObjectNode deps = o.putObject("dependencies");
    dependencies.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          ObjectNode d = deps.putObject(e.getKey());
          d.set(
              "description",
              e.getValue()
                  .description()
                  .<JsonNode>map(LocaleString::json)
                  .orElse(Json.NODES.nullNode()));
          d.put("optional", e.getValue().optional());
          e.getValue().extra().forEach(d::set);
        });
    ObjectNode hw = o.putObject("hardwareRequirements");
    hw.set("device", Json.NODES.arrayNode().addAll(hardwareRequirements.device()));
    if (hardwareRequirements.ram().isPresent()) {
      hw.put("ram", hardwareRequirements.ram().get());
    } else {
      hw.putNull("ram");
    }
    hw.set(
        "arch",
        hardwareRequirements.arch().<JsonNode>map(Json::array).orElse(Json.NODES.nullNode()));
    extra.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> o.set(e.getKey(), e.getValue().deepCopy()));
    return o;
  }

  public byte[] toJson() {
    return Json.write(toJsonNode());
  }

  /** Outcome of a content check: the paths an install keeps, and tolerated problems. */
  public record Validation(Set<String> keep, List<String> warnings) {
    public Validation {
      keep = Set.copyOf(keep);
      warnings = List.copyOf(warnings);
    }
  }

  /** Checks that {@code archive} holds what this manifest needs, for every architecture. */
  public Validation validate(S9pkArchive archive) {
    return check(archive, Optional.empty());
  }

  /** Checks for one architecture, as install does; other images may then be dropped. */
  public Validation validateFor(String arch, S9pkArchive archive) {
    return check(archive, Optional.of(arch));
  }

  /**
   * Validates {@code archive} for one architecture and writes a copy in which everything install
   * does not need is MISSING; the signature and merkle root stay the original developer's.
   */
  public Validation writeFilteredFor(String arch, S9pkArchive archive, Path out) {
    Validation validation = validateFor(arch, archive);
    archive.writeKeepingOnly(validation.keep(), out);
    return validation;
  }

  private Validation check(S9pkArchive archive, Optional<String> arch) {
    ContentCheck c = new ContentCheck(archive);
    c.file("manifest.json");
    c.icon("", true);
    c.file("LICENSE.md");
    c.optionalFile("instructions.md");
    c.file("javascript.squashfs");
    for (String dep : dependencies.keySet()) {
      if (c.hasFile("dependencies/" + dep + "/metadata.json")) {
        c.file("dependencies/" + dep + "/metadata.json");
      }
      c.icon("dependencies/" + dep, false);
    }
    if (c.hasFile("assets.squashfs")) {
      c.file("assets.squashfs");
    } else {
      c.directory("assets");
    }
    for (Map.Entry<String, ImageConfig> e : images.entrySet()) {
      ImageConfig config = e.getValue();
      if (arch.isPresent()) {
        c.image(e.getKey(), config, arch.get());
      } else if (hardwareRequirements.arch().isPresent()) {
        for (String a : hardwareRequirements.arch().get()) {
          c.image(e.getKey(), config, a);
        }
      } else if (config.emulateMissingAs().isPresent()) {
        if (!config.arch().contains(config.emulateMissingAs().get())) {
          throw new S9pkException(
              "image "
                  + e.getKey()
                  + ": `emulateMissingAs` must match an included `arch`, got "
                  + config.emulateMissingAs().get());
        }
        for (String a : config.arch()) {
          c.image(e.getKey(), config, a);
        }
      } else {
        throw new S9pkException(
            "image "
                + e.getKey()
                + ": `emulateMissingAs` required for all images if no `arch` specified in"
                + " `hardwareRequirements`");
      }
    }
    return new Validation(c.keep(), c.warnings());
  }
}
