package startos.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Records the commands it is given instead of running them, and keeps a fake mountinfo file up to
 * date for {@code mount}/{@code umount}, so unit tests see what the backend would do to the host.
 */
final class RecordingRunner implements ProcessRunner {
  final List<List<String>> commands = new ArrayList<>();
  final List<String> stdins = new ArrayList<>();
  private final Path mountInfo;
  private Function<List<String>, ProcessResult> answers = c -> null;
  private int nextMountId = 100;
  private Path cgroupRoot;
  private String prefix;

  RecordingRunner(Path mountInfo) throws IOException {
    this.mountInfo = mountInfo;
    Files.writeString(mountInfo, "");
  }

  /**
   * Acts like LXC on a fake cgroup tree: lxc-start puts a process into the container's cgroup,
   * lxc-stop removes the cgroup again.
   */
  RecordingRunner simulatingLxc(Path cgroupRoot, String prefix) {
    this.cgroupRoot = cgroupRoot;
    this.prefix = prefix;
    return this;
  }

  /** Makes the container's init exit on its own. */
  void simulateExit(String id) {
    Path payload = cgroupRoot.resolve("memory").resolve(prefix + ".payload." + id);
    try {
      Files.deleteIfExists(payload.resolve("cgroup.procs"));
      Files.deleteIfExists(payload);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers matching commands with a scripted result; null falls through to success. */
  RecordingRunner answering(Function<List<String>, ProcessResult> scripted) {
    this.answers = scripted;
    return this;
  }

  @Override
  public ProcessResult run(List<String> command, String stdin, Duration timeout) {
    commands.add(List.copyOf(command));
    stdins.add(stdin);
    ProcessResult scripted = answers.apply(command);
    if (scripted != null) {
      return scripted;
    }
    try {
      if (command.get(0).equals("mount")) {
        String point = command.get(command.size() - 1);
        String fsType = command.get(command.indexOf("-t") + 1);
        Files.writeString(
            mountInfo,
            nextMountId++ + " 1 0:1 / " + point + " rw - " + fsType + " none ro\n",
            java.nio.file.StandardOpenOption.APPEND);
      } else if (command.get(0).equals("lxc-start") && cgroupRoot != null) {
        Path payload = cgroupRoot.resolve("memory").resolve(prefix + ".payload." + command.get(2));
        Files.createDirectories(payload);
        Files.writeString(payload.resolve("cgroup.procs"), "4711\n");
      } else if (command.get(0).equals("lxc-stop") && cgroupRoot != null) {
        simulateExit(command.get(2));
      } else if (command.get(0).equals("umount")) {
        String point = command.get(command.size() - 1);
        List<String> kept =
            Files.readAllLines(mountInfo).stream()
                .filter(l -> !l.split(" ")[4].equals(point))
                .toList();
        Files.write(mountInfo, kept);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return ok(command, "");
  }

  /** Commands whose program is {@code program}, in order. */
  List<List<String>> named(String program) {
    return commands.stream().filter(c -> c.get(0).equals(program)).toList();
  }

  static ProcessResult ok(List<String> command, String stdout) {
    return new ProcessResult(command, 0, stdout, "");
  }

  static ProcessResult failed(List<String> command, int code, String stderr) {
    return new ProcessResult(command, code, "", stderr);
  }
}
