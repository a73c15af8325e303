package startos.s9pk.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.apache.commons.codec.digest.Blake3;
import org.junit.jupiter.api.Test;

class Blake3Test {
  private static Hash reference(byte[] data) {
    Blake3 h = Blake3.initHash();
    h.update(data);
    byte[] out = new byte[32];
    h.doFinalize(out);
    return Hash.of(out);
  }

  @Test
  void javaTreeHashAgreesWithCommonsCodecAtChunkAndPieceBoundaries() {
    Random random = new Random(7);
    int mib = 1 << 20;
    int[] lengths = {
      0,
      1,
      63,
      64,
      65,
      1023,
      1024,
      1025,
      2047,
      2048,
      2049,
      3 * 1024 + 5,
      16 * 1024 + 1,
      mib - 1,
      mib,
      mib + 1,
      2 * mib,
      3 * mib + 17,
      4 * mib + 1024,
      5 * mib - 3
    };
    for (int len : lengths) {
      byte[] data = new byte[len];
      random.nextBytes(data);
      Hash expected = reference(data);
      ByteSource src = ByteSource.of(data);
      assertThat(Hasher.sequential().hash(src, 0, len))
          .as("sequential %d", len)
          .isEqualTo(expected);
      assertThat(Hasher.parallel(3).hash(src, 0, len)).as("parallel %d", len).isEqualTo(expected);
    }
  }

  @Test
  void hashesASectionInTheMiddleOfASource() {
    byte[] data = new byte[3 << 20];
    new Random(3).nextBytes(data);
    byte[] middle = java.util.Arrays.copyOfRange(data, 12345, 12345 + (2 << 20) + 99);
    assertThat(Hasher.parallel(2).hash(ByteSource.of(data), 12345, middle.length))
        .isEqualTo(reference(middle));
  }

  @Test
  void b3sumAcceleratorAgreesWithJavaWhenInstalled() {
    var b3sum = Hasher.b3sum();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        b3sum.isPresent(), "b3sum is not installed (apt-get install b3sum)");
    byte[] data = new byte[(9 << 20) + 7];
    new Random(11).nextBytes(data);
    ByteSource src = ByteSource.of(data);
    assertThat(b3sum.get().hash(src, 5, data.length - 5))
        .isEqualTo(Hasher.sequential().hash(src, 5, data.length - 5));
  }

  @Test
  void packingWithTheB3sumAcceleratorGivesTheSameBytes(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Hasher.b3sum().isPresent(), "b3sum is not installed");
    byte[] data = new byte[(17 << 20) + 3];
    new Random(17).nextBytes(data);
    java.nio.file.Path src = dir.resolve("img");
    java.nio.file.Files.write(src, data);
    java.nio.file.Path fast = dir.resolve("fast.s9pk");
    java.nio.file.Path slow = dir.resolve("slow.s9pk");
    S9pkBuilder.create().add("img", src).accelerate(true).write(fast, VectorTest.key());
    S9pkBuilder.create().add("img", src).accelerate(false).write(slow, VectorTest.key());
    assertThat(java.nio.file.Files.mismatch(fast, slow)).isEqualTo(-1);
    try (S9pkArchive a = S9pkArchive.open(fast)) {
      a.verifyFiles();
      a.verifyFiles(Hasher.parallel(2));
    }
  }
}
