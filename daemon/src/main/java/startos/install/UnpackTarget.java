package startos.install;

import java.nio.file.Path;

/**
 * Where {@link Installer#unpack} writes a package's files: the service's layout of one package's
 * directory, seen from the install side (which must not depend on the service package).
 */
public interface UnpackTarget {
  /** The package's directory; everything below is written here. */
  Path dir();

  /** The installed archive. */
  Path s9pk();

  Path javascript();

  Path assets();

  /** The directory mounted as the assets when the package ships none. */
  Path emptyAssets();

  /** Unpacked image roots. */
  Path images();

  /** {@code <imageId>.json} and {@code <imageId>.env} of each image. */
  Path imageMeta();
}
