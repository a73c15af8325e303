package startos.s9pk.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The computed vector of startos-reference.md §10, byte for byte, in both directions. */
public class VectorTest {
  static final String PUBKEY = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
  static final String SIGNATURE =
      "d76b1b9ab69acedbc13b7346ef934aeb23c0978e8d2dd9cb9c0e6846f5c057e0"
          + "5862a89e672b6b05249a2594710bee9f7bed66c93fd4709d96d48fc203f34209";
  static final String ROOT_SIGHASH =
      "7f459ee76d883520caa06f37c788082cf7d3ab722455d2908713ddf7d763a15a";
  static final String DIR_SIGHASH =
      "c0cc69992659ca0bd6752c1d9f1f24205e742a7d160c986b2d0312db3fa962c2";
  static final String BAR = "f2e897eed7d206cd855d441598fa521abc75aa96953e97c030c9612c30c1293d";
  static final String HELLO = "ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f";

  static final String HEX =
      "3b3b02"
          + PUBKEY
          + SIGNATURE
          + ROOT_SIGHASH
          + "0000000000000073"
          + "000000000000009b"
          + "0000000000000073"
          // root TOC
          + "02"
          + "03646972"
          + DIR_SIGHASH
          + "0000000000000038"
          + "02"
          + "000000000000010e"
          + "0000000000000038"
          + "03666f6f"
          + BAR
          + "0000000000000003"
          + "01"
          + "0000000000000146"
          // dir TOC
          + "01"
          + "05612e747874"
          + HELLO
          + "0000000000000005"
          + "01"
          + "0000000000000149"
          + "626172"
          + "68656c6c6f";

  public static byte[] vector() {
    return HexFormat.of().parseHex(HEX);
  }

  public static DeveloperKey key() {
    byte[] seed = new byte[32];
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) i;
    }
    return DeveloperKey.fromSeed(seed);
  }

  static S9pkBuilder builder() {
    return S9pkBuilder.create().add("foo", "bar".getBytes()).add("dir/a.txt", "hello".getBytes());
  }

  @Test
  void writerProducesTheComputedVectorByteForByte() {
    byte[] written = builder().toBytes(key());
    assertThat(HexFormat.of().formatHex(written)).isEqualTo(HEX);
    assertThat(written).hasSize(334);
  }

  @Test
  void writerToFileMatchesInMemoryBytes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path out = dir.resolve("v.s9pk");
    MerkleArchiveCommitment c = builder().write(out, key());
    assertThat(java.nio.file.Files.readAllBytes(out)).isEqualTo(vector());
    assertThat(c.rootMaxsize()).isEqualTo(115);
    assertThat(c.rootSighash().hex()).isEqualTo(ROOT_SIGHASH);
  }

  @Test
  void readerVerifiesTheVectorAndReadsItsFiles() {
    try (S9pkArchive a = S9pkArchive.open(ByteSource.of(vector()))) {
      assertThat(a.signer().hex()).isEqualTo(PUBKEY);
      assertThat(HexFormat.of().formatHex(a.signature())).isEqualTo(SIGNATURE);
      assertThat(a.commitment().rootSighash().hex()).isEqualTo(ROOT_SIGHASH);
      assertThat(a.commitment().toJson())
          .isEqualTo(
              "{\"rootSighash\":\"f0We522INSDKoG83x4gILPfTq3IkVdKQhxPd99djoVo\",\"rootMaxsize\":115}");
      assertThat(a.list()).containsExactly("dir/", "dir/a.txt", "foo");
      assertThat(new String(a.read("foo"))).isEqualTo("bar");
      assertThat(new String(a.read("/dir/a.txt"))).isEqualTo("hello");
      assertThat(a.entry("dir").orElseThrow().hash().hex()).isEqualTo(DIR_SIGHASH);
      assertThat(a.entry("dir").orElseThrow().size()).isEqualTo(56);
      a.verifyFiles(Hasher.sequential());
    }
  }

  @Test
  void keyAndSignatureHaveTheDocumentedPemForms() {
    assertThat(key().verifyingKey().pem())
        .isEqualTo(
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAA6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=\n"
                + "-----END PUBLIC KEY-----\n");
    assertThat(VerifyingKey.signaturePem(HexFormat.of().parseHex(SIGNATURE)))
        .isEqualTo(
            "-----BEGIN SIGNATURE-----\n"
                + "MEkwBQYDK2VwBEDXaxuatprO28E7c0bvk0rrI8CXjo0t2cucDmhG9cBX4FhiqJ5n\n"
                + "K2sFJJollHEL7p977WbJP9RwnZbUj8ID80IJ\n"
                + "-----END SIGNATURE-----\n");
  }

  @Test
  void hashesOfTheVectorMatch() {
    assertThat(Hash.blake3("bar".getBytes()).hex()).isEqualTo(BAR);
    assertThat(Hash.blake3("hello".getBytes()).hex()).isEqualTo(HELLO);
    assertThat(Hash.blake3(new byte[0]).hex())
        .isEqualTo("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
  }

  @Test
  void commitmentRoundTripsThroughJsonAndQueryAndAcceptsPaddedBase64() {
    MerkleArchiveCommitment c = new MerkleArchiveCommitment(Hash.ofHex(ROOT_SIGHASH), 115);
    assertThat(MerkleArchiveCommitment.fromJson(c.toJson())).isEqualTo(c);
    assertThat(c.toQuery())
        .isEqualTo("rootSighash=f0We522INSDKoG83x4gILPfTq3IkVdKQhxPd99djoVo&rootMaxsize=115");
    assertThat(MerkleArchiveCommitment.fromQuery(c.toQuery())).isEqualTo(c);
    assertThat(
            MerkleArchiveCommitment.fromJson(
                "{\"rootSighash\":\"f0We522INSDKoG83x4gILPfTq3IkVdKQhxPd99djoVo=\",\"rootMaxsize\":115}"))
        .isEqualTo(c);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> MerkleArchiveCommitment.fromJson("{\"rootSighash\":1}"))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("rootMaxsize");
  }
}
