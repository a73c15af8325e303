/**
 * Turning an uploaded S9PK into files on the host: {@link startos.install.Installer} verifies
 * signature, hashes, manifest and architecture before anything is written, then unpacks the
 * javascript, assets and this architecture's images where an {@link startos.install.UnpackTarget}
 * says (the service package's layout: this package does not import it); {@link
 * startos.install.InstallProgress} is the {@code FullProgress} the UI shows and the handle a cancel
 * goes through; {@link startos.install.UploadPrefix} names a package from the first bytes of an
 * upload.
 *
 * <p>Threads: an install runs on the caller's thread ({@code package.install} with a path) or on a
 * virtual thread of its own (a sideload); {@code InstallProgress} is thread-safe, and a cancel from
 * another thread kills the unpacking and closes the archive.
 *
 * <p>Not done yet: installing from a registry; the stored archive is kept whole rather than
 * filtered to this architecture.
 */
package startos.install;
