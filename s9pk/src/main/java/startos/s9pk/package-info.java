/**
 * S9PK v2: merkle archives, signatures, manifests.
 *
 * <ul>
 *   <li>Read: {@link startos.s9pk.S9pkArchive#open(java.nio.file.Path)} verifies the Ed25519ph
 *       signature (context {@code s9pk}) and every table of contents; file bytes are verified as
 *       they are read ({@link startos.s9pk.S9pkArchive#open(String)}, {@link
 *       startos.s9pk.S9pkArchive#read(String)}, {@link startos.s9pk.S9pkArchive#verifyFiles()}).
 *   <li>Write: {@link startos.s9pk.S9pkBuilder} lays files out exactly as StartOS does, so the same
 *       tree and key give the same bytes.
 *   <li>Keys: {@link startos.s9pk.DeveloperKey} (PKCS#8 PEM like {@code developer.key.pem}), {@link
 *       startos.s9pk.VerifyingKey} (SPKI PEM), {@link startos.s9pk.MerkleArchiveCommitment} (what
 *       registries publish).
 *   <li>Content: {@link startos.s9pk.Manifest} and its validation, {@link
 *       startos.s9pk.ImageMetadata}, {@link startos.s9pk.ImageEnv}.
 *   <li>Legacy: {@link startos.s9pk.S9pkV1} and {@link startos.s9pk.V1Conversion}.
 * </ul>
 *
 * <p>Every rejection is an {@link startos.s9pk.S9pkException} whose message names the place.
 */
package startos.s9pk;
