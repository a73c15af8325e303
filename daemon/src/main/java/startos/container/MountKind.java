package startos.container;

/** How the source of a {@link ContainerMount} becomes visible inside the container. */
public enum MountKind {
  /** A host directory or file bind-mounted in. */
  BIND,
  /** A squashfs image the backend loop-mounts read-only on the host, then binds in. */
  SQUASHFS
}
