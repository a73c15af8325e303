package startos.container;

import java.nio.file.Path;

/** Where one container's files and mount points live, below {@code <state>/containers/<id>}. */
record ContainerLayout(Path dir) {
  Path config() {
    return dir.resolve("config");
  }

  Path log() {
    return dir.resolve("lxc.log");
  }

  Path lower() {
    return dir.resolve("lower");
  }

  /**
   * The root image as mounted, before it is idmapped to the container's range at {@link #lower}.
   */
  Path lowerImage() {
    return dir.resolve("lower-image");
  }

  Path upper() {
    return dir.resolve("upper");
  }

  Path work() {
    return dir.resolve("work");
  }

  Path rootfs() {
    return dir.resolve("rootfs");
  }

  Path image(int index) {
    return dir.resolve("images").resolve(Integer.toString(index));
  }
}
