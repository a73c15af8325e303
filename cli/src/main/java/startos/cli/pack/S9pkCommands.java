package startos.cli.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import startos.cli.CliCommand;
import startos.cli.CliEnv;
import startos.cli.CliException;
import startos.cli.JsonArgument;
import startos.cli.Output;
import startos.cli.RpcClient;
import startos.exver.Version;
import startos.exver.VersionRange;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkBuilder;
import startos.s9pk.merkle.S9pkException;

@Command(
    name = "s9pk",
    description = "Commands for interacting with s9pk files",
    mixinStandardHelpOptions = true,
    subcommands = {
      S9pkCommands.Pack.class,
      S9pkCommands.ListIngredients.class,
      S9pkCommands.Inspect.class,
      S9pkCommands.Edit.class,
      S9pkCommands.Select.class,
      S9pkCommands.Convert.class,
    })
public final class S9pkCommands {
  private S9pkCommands() {}

  static S9pkArchive open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw CliException.local(file + ": no such file");
    }
    try {
      return S9pkArchive.open(file);
    } catch (S9pkException e) {
      throw CliException.local(file + " is not a valid s9pk: " + e.getMessage(), e);
    }
  }

  /** The options {@code pack} and {@code list-ingredients} share, as in StartOS. */
  static class PackArgs {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "OUTPUT",
        description = "Output file path (default <PATH>/<id>.s9pk)")
    Optional<Path> output = Optional.empty();

    @Option(
        names = "--javascript",
        paramLabel = "JAVASCRIPT",
        description = "Path to the built javascript directory (default <PATH>/javascript)")
    Optional<Path> javascript = Optional.empty();

    @Option(
        names = "--icon",
        paramLabel = "ICON",
        description = "Path to service icon file (default <PATH>/icon.*)")
    Optional<Path> icon = Optional.empty();

    @Option(
        names = "--license",
        paramLabel = "LICENSE",
        description = "Path to license file (default <PATH>/LICENSE*)")
    Optional<Path> license = Optional.empty();

    @Option(
        names = "--instructions",
        paramLabel = "INSTRUCTIONS",
        description = "Path to instructions file (default <PATH>/instructions.md)")
    Optional<Path> instructions = Optional.empty();

    @Option(
        names = "--assets",
        paramLabel = "ASSETS",
        description = "Path to assets directory (default <PATH>/assets when present)")
    Optional<Path> assets = Optional.empty();

    @Option(names = "--no-assets", description = "Build without assets directory")
    boolean noAssets;

    @Option(
        names = "--arch",
        paramLabel = "ARCH",
        description = "Only these CPU architectures (repeatable)")
    List<String> arch = new ArrayList<>();

    @Option(
        names = "--image",
        paramLabel = "IMAGE_ID[@ARCH]=PATH",
        description =
            "Image content: a root filesystem dir, or an OCI layout / docker-archive (dir or tarball). Repeatable")
    List<String> images = new ArrayList<>();

    @Parameters(
        paramLabel = "PATH",
        arity = "0..1",
        description = "Path to the package directory (default .)")
    Optional<Path> path = Optional.empty();

    PackOptions options(CliEnv env) {
      Map<String, Path> imgs = new LinkedHashMap<>();
      for (String spec : images) {
        Map.Entry<String, Path> e = PackOptions.parseImage(spec);
        if (imgs.put(e.getKey(), e.getValue()) != null) {
          throw CliException.usage("--image " + e.getKey() + " is given twice");
        }
      }
      Path dir = path.orElse(env.cwd());
      return new PackOptions(
          dir, output, javascript, icon, license, instructions, assets, noAssets, arch, imgs);
    }
  }

  @Command(
      name = "pack",
      description = "Package input files into a valid s9pk",
      mixinStandardHelpOptions = true)
  static final class Pack extends CliCommand {
    @picocli.CommandLine.Mixin PackArgs args = new PackArgs();

    @Override
    protected void run() {
      PackOptions opts = args.options(root().env());
      DeveloperKey key = DeveloperKeys.forSigning(root(), opts.path());
      ProgressLine progress = new ProgressLine(root().env().err(), root().env().terminal());
      Packer.Packed p = new Packer(opts, progress).pack(key);
      p.warnings().forEach(w -> progress.done("warning: " + w));
      if (out().json()) {
        ObjectNode o = RpcClient.JSON.createObjectNode();
        o.put("path", p.output().toString())
            .put("id", p.id())
            .put("version", p.version())
            .put("size", p.bytes());
        out().line(Output.compact(o));
      } else {
        progress.done(
            String.format(
                "packed %s %s into %s (%.1f MiB)",
                p.id(), p.version(), p.output(), p.bytes() / 1048576.0));
      }
    }
  }

  @Command(
      name = "list-ingredients",
      description = "List paths of package ingredients",
      mixinStandardHelpOptions = true)
  static final class ListIngredients extends CliCommand {
    @picocli.CommandLine.Mixin PackArgs args = new PackArgs();

    @Override
    protected void run() {
      PackOptions opts = args.options(root().env());
      List<String> paths = new ArrayList<>();
      paths.add(opts.javascriptDir().resolve("index.js").toString());
      paths.add(opts.iconFile().toString());
      paths.add(opts.licenseFile().toString());
      paths.add(opts.instructionsFile().toString());
      Optional<ObjectNode> manifest;
      try {
        manifest = Optional.of(ManifestLoader.load(opts.javascriptDir()));
      } catch (CliException e) {
        root().env().err().println("warning: failed to load manifest: " + e.getMessage());
        manifest = Optional.empty();
      }
      opts.assetsDir().ifPresent(a -> paths.add(a.toString()));
      manifest.ifPresent(m -> {
        m.path("dependencies")
            .forEach(d -> {
              String icon = d.path("metadata").path("icon").asText("");
              if (!icon.isEmpty()) {
                // A URL (data:, http:) is not a file of the checkout; StartOS lists only paths.
                if (!icon.matches("(?i)(data|https?):.*")) {
                  paths.add(opts.path().resolve(icon.replaceFirst("^file://", "")).toString());
                }
              } else if (d.path("s9pk").isTextual()) {
                paths.add(opts.path().resolve(d.path("s9pk").asText()).toString());
              }
            });
        m.path("images")
            .properties()
            .forEach(e -> {
              JsonNode db = e.getValue().path("source").path("dockerBuild");
              if (db.isObject()) {
                Path workdir = opts.path().resolve(db.path("workdir").asText("."));
                paths.add(
                    db.hasNonNull("dockerfile")
                        ? opts.path().resolve(db.path("dockerfile").asText()).toString()
                        : workdir.resolve("Dockerfile").toString());
              }
            });
      });
      opts.images().values().forEach(p -> paths.add(p.toString()));
      if (out().json()) {
        ArrayNode a = RpcClient.JSON.createArrayNode();
        paths.forEach(a::add);
        out().line(Output.compact(a));
      } else {
        paths.forEach(out()::line);
      }
    }
  }

  @Command(
      name = "inspect",
      description = "Commands to display file paths, file contents, or manifest",
      mixinStandardHelpOptions = true,
      subcommands = {
        Inspect.ShowManifest.class,
        Inspect.FileTree.class,
        Inspect.Cat.class,
        Inspect.Commitment.class
      })
  static final class Inspect {
    @Parameters(index = "0", paramLabel = "S9PK", description = "Path to s9pk package file")
    Path s9pk;

    @Command(
        name = "manifest",
        description = "Display the s9pk manifest",
        mixinStandardHelpOptions = true)
    static final class ShowManifest extends CliCommand {
      @ParentCommand Inspect parent;

      @Override
      protected void run() {
        try (S9pkArchive a = open(parent.s9pk)) {
          out()
              .value(
                  JsonArgument.parse(
                      "manifest.json",
                      new String(
                          a.read("manifest.json"), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (S9pkException e) {
          throw CliException.local(parent.s9pk + ": " + e.getMessage(), e);
        }
      }
    }

    @Command(
        name = "file-tree",
        description = "Display list of paths in s9pk",
        mixinStandardHelpOptions = true)
    static final class FileTree extends CliCommand {
      @ParentCommand Inspect parent;

      @Override
      protected void run() {
        try (S9pkArchive a = open(parent.s9pk)) {
          List<String> files = a.list().stream().filter(p -> !p.endsWith("/")).toList();
          if (out().json()) {
            ArrayNode arr = RpcClient.JSON.createArrayNode();
            files.forEach(arr::add);
            out().line(Output.compact(arr));
          } else {
            files.forEach(out()::line);
          }
        }
      }
    }

    @Command(
        name = "cat",
        description = "Display file contents from s9pk",
        mixinStandardHelpOptions = true)
    static final class Cat extends CliCommand {
      @ParentCommand Inspect parent;

      @Parameters(paramLabel = "FILE_PATH", description = "Path to the file")
      String file;

      @Override
      protected void run() {
        try (S9pkArchive a = open(parent.s9pk);
            InputStream in = a.open(file)) {
          root().env().out().flush();
          in.transferTo(root().env().stdout());
          root().env().stdout().flush();
        } catch (S9pkException e) {
          throw CliException.local(parent.s9pk + ": " + e.getMessage(), e);
        } catch (IOException e) {
          throw CliException.local("cannot write " + file + ": " + e.getMessage(), e);
        }
      }
    }

    @Command(
        name = "commitment",
        description = "Display the s9pk root signature hash and max size",
        mixinStandardHelpOptions = true)
    static final class Commitment extends CliCommand {
      @ParentCommand Inspect parent;

      @Override
      protected void run() {
        try (S9pkArchive a = open(parent.s9pk)) {
          JsonNode c = JsonArgument.parse("commitment", a.commitment().toJson());
          out()
              .result(
                  c,
                  () -> {
                    out().line("rootSighash  " + c.path("rootSighash").asText());
                    out().line("rootMaxsize  " + c.path("rootMaxsize").asText());
                  });
        }
      }
    }
  }

  @Command(
      name = "edit",
      description = "Commands to edit an s9pk (re-signed with your developer key)",
      mixinStandardHelpOptions = true,
      subcommands = {Edit.EditManifest.class})
  static final class Edit {
    @Parameters(index = "0", paramLabel = "S9PK", description = "Path to s9pk package file")
    Path s9pk;

    @Command(name = "manifest", description = "Edit s9pk manifest", mixinStandardHelpOptions = true)
    static final class EditManifest extends CliCommand {
      @ParentCommand Edit parent;

      @Parameters(
          paramLabel = "EXPRESSION",
          description = "JSON Patch array, or `.field = <json>` assignments joined by |")
      String expression;

      @Override
      protected void run() {
        Path file = parent.s9pk;
        DeveloperKey key = DeveloperKeys.forSigning(root(), file.toAbsolutePath().getParent());
        try (S9pkArchive a = open(file)) {
          ObjectNode manifest =
              (ObjectNode)
                  JsonArgument.parse(
                      "manifest.json",
                      new String(a.read("manifest.json"), java.nio.charset.StandardCharsets.UTF_8));
          ObjectNode edited = ManifestEdit.apply(manifest, expression);
          byte[] bytes = Output.compact(edited).getBytes(java.nio.charset.StandardCharsets.UTF_8);
          try {
            startos.s9pk.manifest.Manifest.parse(bytes);
          } catch (S9pkException e) {
            throw CliException.usage(
                "the edited manifest is invalid, nothing was changed: " + e.getMessage());
          }
          S9pkBuilder b = S9pkBuilder.from(a);
          b.add("manifest.json", bytes);
          b.write(file, key);
          out().value(edited);
        } catch (S9pkException e) {
          throw CliException.local(file + ": " + e.getMessage(), e);
        }
      }
    }
  }

  @Command(
      name = "select",
      description = "Select the best compatible s9pk for a target device",
      mixinStandardHelpOptions = true)
  static final class Select extends CliCommand {
    @Parameters(
        paramLabel = "S9PKS",
        arity = "0..*",
        description = "Paths to s9pk package files (default: *.s9pk here)")
    List<Path> s9pks = new ArrayList<>();

    @Override
    protected void run() {
      List<Path> paths = s9pks.isEmpty() ? here() : s9pks;
      JsonNode device = remote("server.device-info", params());
      String arch = device.path("hardware").path("arch").asText("");
      String compat = device.path("os").path("compat").asText("");
      long ram = device.path("hardware").path("ram").asLong(0);
      record Candidate(Path path, int specificity) {}
      List<Candidate> ok = new ArrayList<>();
      for (Path p : paths) {
        try (S9pkArchive a = S9pkArchive.open(p)) {
          JsonNode m =
              JsonArgument.parse(
                  "manifest.json",
                  new String(a.read("manifest.json"), java.nio.charset.StandardCharsets.UTF_8));
          if (!compat.isEmpty() && m.hasNonNull("osVersion")) {
            try {
              if (!Version.parse(m.path("osVersion").asText())
                  .satisfies(VersionRange.parse(compat))) {
                continue;
              }
            } catch (RuntimeException e) {
              root().env().err().println("warning: skipping " + p + ": " + e.getMessage());
              continue;
            }
          }
          JsonNode hw = m.path("hardwareRequirements");
          int specificity = 0;
          if (hw.path("arch").isArray()) {
            boolean has = false;
            for (JsonNode x : hw.path("arch")) {
              has |= x.asText().equals(arch);
            }
            if (!has && !arch.isEmpty()) {
              continue;
            }
            specificity += 1000 - hw.path("arch").size();
          }
          if (hw.path("ram").canConvertToLong() && ram > 0 && hw.path("ram").asLong() > ram) {
            continue;
          }
          specificity += hw.path("device").size() * 10000;
          ok.add(new Candidate(p, specificity));
        } catch (S9pkException e) {
          root().env().err().println("warning: skipping " + p + ": " + e.getMessage());
        }
      }
      if (ok.isEmpty()) {
        throw CliException.local(
            "no compatible s9pk found for device (arch: "
                + (arch.isEmpty() ? "unknown" : arch)
                + ", os: "
                + device.path("os").path("version").asText("unknown")
                + ")");
      }
      ok.sort(Comparator.comparingInt(Candidate::specificity).reversed());
      out().line(ok.get(0).path().toString());
    }

    private List<Path> here() {
      try (Stream<Path> files = Files.list(root().env().cwd())) {
        List<Path> found =
            files.filter(f -> f.getFileName().toString().endsWith(".s9pk")).sorted().toList();
        if (found.isEmpty()) {
          throw CliException.local("no .s9pk files found in the current directory");
        }
        return found;
      } catch (IOException e) {
        throw CliException.local("cannot list the current directory: " + e.getMessage(), e);
      }
    }
  }

  @Command(
      name = "convert",
      description = "Convert an s9pk from v1 to v2",
      mixinStandardHelpOptions = true)
  static final class Convert extends CliCommand {
    @Parameters(paramLabel = "S9PK", description = "Path to s9pk package file")
    Path s9pk;

    @Override
    protected void run() {
      if (!Files.isRegularFile(s9pk)) {
        throw CliException.local(s9pk + ": no such file");
      }
      byte[] magic = new byte[3];
      try (InputStream in = Files.newInputStream(s9pk)) {
        if (in.readNBytes(magic, 0, 3) != 3) {
          throw CliException.local(s9pk + " is too short to be an s9pk");
        }
      } catch (IOException e) {
        throw CliException.local("cannot read " + s9pk + ": " + e.getMessage(), e);
      }
      if (magic[0] != 0x3b || magic[1] != 0x3b) {
        throw CliException.local(s9pk + " is not an s9pk (bad magic)");
      }
      if (magic[2] == 2) {
        out().line(s9pk + " is already a v2 s9pk");
        return;
      }
      ConvertCommand.convert(this, s9pk);
    }
  }
}
