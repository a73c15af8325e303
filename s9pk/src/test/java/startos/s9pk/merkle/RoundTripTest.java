package startos.s9pk.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {

  @Test
  void randomTreesReadBackAndReserializeByteIdentical() {
    for (int seed = 0; seed < 200; seed++) {
      Random random = new Random(seed);
      Map<String, byte[]> tree = RandomTrees.tree(random, 1 + random.nextInt(12), 300, true);
      DeveloperKey key = RandomTrees.key(seed);
      byte[] bytes = RandomTrees.builder(tree).toBytes(key);
      assertThat(RandomTrees.builder(tree).toBytes(key)).as("deterministic").isEqualTo(bytes);
      try (S9pkArchive archive = S9pkArchive.open(ByteSource.of(bytes))) {
        assertThat(archive.files().keySet()).containsExactlyInAnyOrderElementsOf(tree.keySet());
        tree.forEach((path, content) -> assertThat(archive.read(path)).isEqualTo(content));
        assertThat(archive.signer()).isEqualTo(key.verifyingKey());
        assertThat(S9pkBuilder.from(archive).toBytes(key)).as("seed %d", seed).isEqualTo(bytes);
      }
    }
  }

  @Test
  void rootListsWhatInstallNeedsFirstAndDirectoriesBeforeFiles() {
    S9pkBuilder b = S9pkBuilder.create();
    for (String p :
        List.of(
            "zzz.txt",
            "images/x86_64/main.squashfs",
            "assets.squashfs",
            "javascript.squashfs",
            "dependencies/bitcoind/metadata.json",
            "instructions.md",
            "LICENSE.md",
            "icon.png",
            "manifest.json",
            "aaa/b")) {
      b.add(p, p.getBytes());
    }
    try (S9pkArchive a = S9pkArchive.open(ByteSource.of(b.toBytes(RandomTrees.key(1))))) {
      assertThat(new ArrayList<>(a.root().entries().keySet()))
          .containsExactly(
              "dependencies",
              "images",
              "aaa",
              "manifest.json",
              "icon.png",
              "LICENSE.md",
              "instructions.md",
              "javascript.squashfs",
              "assets.squashfs",
              "zzz.txt");
    }
  }

  @Test
  void filesAddedByPathAreStreamedAndProgressReachesTheTotal(@TempDir Path dir) throws Exception {
    byte[] big = new byte[(3 << 20) + 12345];
    new Random(5).nextBytes(big);
    Path src = dir.resolve("image.squashfs");
    Files.write(src, big);
    AtomicLong last = new AtomicLong();
    AtomicLong total = new AtomicLong();
    Path out = dir.resolve("out.s9pk");
    S9pkBuilder.create()
        .add("images/x86_64/main.squashfs", src)
        .add("manifest.json", "{}".getBytes())
        .write(
            out,
            RandomTrees.key(2),
            (done, all) -> {
              last.accumulateAndGet(done, Math::max);
              total.set(all);
            });
    assertThat(last.get()).isEqualTo(total.get()).isEqualTo(big.length + 2);
    try (S9pkArchive a = S9pkArchive.open(out)) {
      assertThat(a.read("images/x86_64/main.squashfs")).isEqualTo(big);
      a.verifyFiles(Hasher.parallel());
    }
    assertThat(dir.toFile().list()).containsExactlyInAnyOrder("image.squashfs", "out.s9pk");
  }

  @Test
  void anExistingArchiveCanBeResignedWithAnotherKey() {
    byte[] original = VectorTest.builder().toBytes(VectorTest.key());
    DeveloperKey other = RandomTrees.key(99);
    try (S9pkArchive a = S9pkArchive.open(ByteSource.of(original))) {
      byte[] resigned = S9pkBuilder.from(a).toBytes(other);
      try (S9pkArchive b = S9pkArchive.open(ByteSource.of(resigned))) {
        assertThat(b.signer()).isEqualTo(other.verifyingKey());
        assertThat(b.commitment()).isEqualTo(a.commitment());
      }
    }
  }
}
