package startos.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QrTextTest {
  @Test
  void reedSolomonCodewordsMakeEverySyndromeZero() {
    int[] data = {0x40, 0xd2, 0x75, 0x47, 0x76, 0x17, 0x32, 0x06, 0x27, 0x26, 0x96, 0xc6, 0xc6};
    int[] ec = QrText.reedSolomon(data, 10);
    int[] all = new int[data.length + ec.length];
    System.arraycopy(data, 0, all, 0, data.length);
    System.arraycopy(ec, 0, all, data.length, ec.length);
    for (int root = 0; root < 10; root++) {
      int s = 0;
      for (int c : all) {
        s = QrText.mul(s, QrText.exp(root)) ^ c;
      }
      assertThat(s).as("syndrome at α^%d", root).isZero();
    }
  }

  @Test
  void theSymbolHasItsFinderPatternsTimingAndDarkModule() {
    boolean[][] m = QrText.encode("actions-demo:pair?code=0123456789");
    int n = m.length;
    assertThat(n).as("34 bytes need version 3 (29 modules)").isEqualTo(29);
    for (int[] corner : List.of(new int[] {0, 0}, new int[] {n - 7, 0}, new int[] {0, n - 7})) {
      int x = corner[0];
      int y = corner[1];
      assertThat(m[y][x]).isTrue();
      assertThat(m[y + 1][x + 1]).isFalse();
      assertThat(m[y + 3][x + 3]).isTrue();
      assertThat(m[y + 6][x + 6]).isTrue();
    }
    for (int i = 8; i < n - 8; i++) {
      assertThat(m[6][i]).isEqualTo(i % 2 == 0);
    }
    assertThat(m[n - 8][8]).as("the dark module").isTrue();
  }

  @Test
  void bothCopiesOfTheFormatInformationAgree() {
    boolean[][] m =
        QrText.encode("https://example.com/a-longer-value-that-needs-version-seven-or-so");
    int n = m.length;
    int first = 0;
    int second = 0;
    int[][] a = {
      {8, 0}, {8, 1}, {8, 2}, {8, 3}, {8, 4}, {8, 5}, {8, 7}, {8, 8}, {7, 8}, {5, 8}, {4, 8},
      {3, 8}, {2, 8}, {1, 8}, {0, 8}
    };
    for (int i = 0; i < 15; i++) {
      first |= (m[a[i][1]][a[i][0]] ? 1 : 0) << i;
      int x = i < 8 ? n - 1 - i : 8;
      int y = i < 8 ? 8 : n - 15 + i;
      second |= (m[y][x] ? 1 : 0) << i;
    }
    assertThat(first).isEqualTo(second);
    assertThat(first ^ 0x5412).as("level L, mask 0").isEqualTo((0b01000 << 10) | bch(0b01000));
  }

  private static int bch(int data) {
    int rem = data;
    for (int i = 0; i < 10; i++) {
      rem = (rem << 1) ^ (((rem >>> 9) & 1) * 0x537);
    }
    return rem & 0x3ff;
  }

  @Test
  void textTooLongForVersionTenIsRefusedWithItsLength() {
    assertThatThrownBy(() -> QrText.render("x".repeat(300)))
        .hasMessageContaining("300 bytes")
        .hasMessageContaining("at most 271");
  }

  @Test
  void renderedLinesAreSquareWithAQuietZone() {
    List<String> lines = QrText.render("hi");
    assertThat(lines).hasSize((21 + 4 + 1) / 2);
    assertThat(lines).allSatisfy(l -> assertThat(l).hasSize(25));
  }
}
