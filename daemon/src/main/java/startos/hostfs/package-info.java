/**
 * The host's hands on files a package owns: deleting its trees ({@link startos.hostfs.SafeTree})
 * and mounting between its volumes and subcontainers ({@link startos.hostfs.HostMount}) without
 * ever following a symlink the package could have planted or swapped in.
 *
 * <p>Threads: stateless; callable from any thread. Every call blocks (file-tree walks, the {@code
 * host-mount} helper process).
 */
package startos.hostfs;
