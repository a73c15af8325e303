/**
 * Offline packaging tools, which need no server: {@code s9pk pack} ({@link
 * startos.cli.pack.Packer}: the SDK's manifest loaded with Node, images from Docker/OCI archives or
 * directories made into squashfs, signed with the developer key), {@code s9pk inspect}, {@code
 * list-ingredients}, {@code edit}, {@code convert} (v1 to v2), developer keys ({@code init-key},
 * {@code init}, {@code pubkey}) and {@code util b3sum}. {@code s9pk select} is the one that asks
 * startd, for the device's architecture.
 *
 * <p>Threads: the main thread runs each command and blocks on the tools it starts ({@code node},
 * {@code docker} or {@code podman}, {@code tar}, {@code mksquashfs}).
 */
package startos.cli.pack;
