/**
 * The S9PK v2 container format, as StartOS's {@code merkle_archive}: a signed merkle tree of
 * directories and files, hashed with BLAKE3.
 *
 * <ul>
 *   <li>Read: {@link startos.s9pk.merkle.S9pkArchive#open(java.nio.file.Path)} verifies the
 *       Ed25519ph signature (context {@code s9pk}) and every table of contents ({@link
 *       startos.s9pk.merkle.TocReader}); file bytes are verified as they are read.
 *   <li>Write: {@link startos.s9pk.merkle.S9pkBuilder} lays files out exactly as StartOS does, so
 *       the same tree and key give the same bytes.
 *   <li>Keys: {@link startos.s9pk.merkle.DeveloperKey} (PKCS#8 PEM like {@code developer.key.pem}),
 *       {@link startos.s9pk.merkle.VerifyingKey} (SPKI PEM), {@link
 *       startos.s9pk.merkle.MerkleArchiveCommitment} (what registries publish).
 *   <li>Hashing: {@link startos.s9pk.merkle.Hasher#best()} picks the {@code b3range} helper, then
 *       {@code b3sum}, then Java {@link startos.s9pk.merkle.Blake3}.
 * </ul>
 *
 * <p>Knows nothing of what the files mean: the manifest, images and v1 conversion are {@code
 * startos.s9pk.manifest}. Every rejection is an {@link startos.s9pk.merkle.S9pkException} whose
 * message names the place.
 *
 * <p>Threads: an open archive is safe for concurrent reads when its {@link
 * startos.s9pk.merkle.ByteSource} is (files are); hashing and building use several threads
 * internally and block until done.
 */
package startos.s9pk.merkle;
