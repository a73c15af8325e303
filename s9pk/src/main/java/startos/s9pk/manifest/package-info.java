/**
 * What an S9PK holds, on top of {@code startos.s9pk.merkle}: the {@link
 * startos.s9pk.manifest.Manifest} and its validation against an archive (the files an install keeps
 * for one architecture, {@link startos.s9pk.manifest.Manifest#writeFilteredFor}), container images
 * ({@link startos.s9pk.manifest.ImageMetadata}, {@link startos.s9pk.manifest.ImageEnv}, Docker and
 * OCI archives unpacked by {@link startos.s9pk.manifest.ImageUnpacker}, {@link
 * startos.s9pk.manifest.Squashfs}), and legacy packages: {@link startos.s9pk.manifest.S9pkV1} read
 * and converted to v2 by {@link startos.s9pk.manifest.V1Conversion}.
 *
 * <p>Threads: stateless apart from the values it returns; unpacking and conversion block on
 * external tools ({@code tar}, {@code mksquashfs}) in the calling thread.
 *
 * <p>Not done yet: a converted v1 package carries its procedures ({@code embassy.js}), but the
 * container runtime has no v1 compatibility layer to run them.
 */
package startos.s9pk.manifest;
