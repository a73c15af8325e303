package startos.cli.remote;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small QR code encoder (ISO/IEC 18004: byte mode, error correction level L, versions 1 to 10,
 * mask 0) drawn with half-block characters, two modules per character row, for a terminal. Enough
 * for what actions show as QR codes (pairing URLs, addresses: up to 271 bytes); longer text is
 * refused with a sentence.
 */
final class QrText {
  /** Data codewords, EC codewords per block, blocks of group 1 and 2 for versions 1..10 at L. */
  private static final int[][] BLOCKS = {
    {19, 7, 1, 0},
    {34, 10, 1, 0},
    {55, 15, 1, 0},
    {80, 20, 1, 0},
    {108, 26, 1, 0},
    {136, 18, 2, 0},
    {156, 20, 2, 0},
    {194, 24, 2, 0},
    {232, 30, 2, 0},
    {274, 18, 2, 2},
  };

  private static final int[][] ALIGN = {
    {},
    {6, 18},
    {6, 22},
    {6, 26},
    {6, 30},
    {6, 34},
    {6, 22, 38},
    {6, 24, 42},
    {6, 26, 46},
    {6, 28, 50},
  };

  private QrText() {}

  /** The modules of the symbol for {@code text}; {@code [y][x]}, true is dark. */
  static boolean[][] encode(String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    int version = 0;
    for (int v = 1; v <= 10; v++) {
      int countBits = v < 10 ? 8 : 16;
      if (4 + countBits + 8 * data.length <= 8 * BLOCKS[v - 1][0]) {
        version = v;
        break;
      }
    }
    if (version == 0) {
      throw new IllegalArgumentException(
          "the value is " + data.length + " bytes long; a QR code here holds at most 271");
    }
    int[] codewords = interleave(version, dataCodewords(version, data));
    Symbol s = new Symbol(version);
    s.place(codewords);
    return s.modules;
  }

  /** The symbol as lines of text with a quiet zone: ▀ ▄ █ and space, dark on a light terminal. */
  static List<String> render(String text) {
    boolean[][] m = encode(text);
    int n = m.length;
    int quiet = 2;
    List<String> lines = new ArrayList<>();
    for (int y = -quiet; y < n + quiet; y += 2) {
      StringBuilder b = new StringBuilder();
      for (int x = -quiet; x < n + quiet; x++) {
        boolean top = dark(m, x, y);
        boolean bottom = dark(m, x, y + 1);
        // light modules print as ink so that the code reads on a dark terminal background
        b.append(top ? (bottom ? ' ' : '▄') : (bottom ? '▀' : '█'));
      }
      lines.add(b.toString());
    }
    return lines;
  }

  private static boolean dark(boolean[][] m, int x, int y) {
    return y >= 0 && y < m.length && x >= 0 && x < m.length && m[y][x];
  }

  private static int[] dataCodewords(int version, byte[] data) {
    int capacity = BLOCKS[version - 1][0];
    int countBits = version < 10 ? 8 : 16;
    Bits bits = new Bits();
    bits.add(0b0100, 4);
    bits.add(data.length, countBits);
    for (byte b : data) {
      bits.add(b & 0xff, 8);
    }
    bits.add(0, Math.min(4, capacity * 8 - bits.size));
    bits.add(0, (8 - bits.size % 8) % 8);
    int[] out = new int[capacity];
    int n = bits.size / 8;
    for (int i = 0; i < n; i++) {
      out[i] = bits.octet(i);
    }
    for (int i = n; i < capacity; i++) {
      out[i] = (i - n) % 2 == 0 ? 0xec : 0x11;
    }
    return out;
  }

  /** Splits into blocks, adds each block's Reed-Solomon codewords, interleaves. */
  static int[] interleave(int version, int[] data) {
    int[] spec = BLOCKS[version - 1];
    int ec = spec[1];
    int blocks = spec[2] + spec[3];
    int shortLen = data.length / blocks;
    int longBlocks = data.length % blocks;
    int[][] d = new int[blocks][];
    int[][] e = new int[blocks][];
    int at = 0;
    for (int i = 0; i < blocks; i++) {
      int len = shortLen + (i >= blocks - longBlocks ? 1 : 0);
      d[i] = java.util.Arrays.copyOfRange(data, at, at + len);
      at += len;
      e[i] = reedSolomon(d[i], ec);
    }
    int[] out = new int[data.length + ec * blocks];
    int k = 0;
    for (int i = 0; i <= shortLen; i++) {
      for (int b = 0; b < blocks; b++) {
        if (i < d[b].length) {
          out[k++] = d[b][i];
        }
      }
    }
    for (int i = 0; i < ec; i++) {
      for (int b = 0; b < blocks; b++) {
        out[k++] = e[b][i];
      }
    }
    return out;
  }

  // ---- GF(256) with the QR polynomial 0x11d ----

  private static final int[] EXP = new int[512];
  private static final int[] LOG = new int[256];

  static {
    int x = 1;
    for (int i = 0; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if (x >= 256) {
        x ^= 0x11d;
      }
    }
    for (int i = 255; i < 512; i++) {
      EXP[i] = EXP[i - 255];
    }
  }

  static int mul(int a, int b) {
    return a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  static int exp(int i) {
    return EXP[i % 255];
  }

  /** The {@code n} error correction codewords of {@code data} (generator with roots α^0..α^n-1). */
  static int[] reedSolomon(int[] data, int n) {
    int[] gen = {1};
    for (int i = 0; i < n; i++) {
      int[] next = new int[gen.length + 1];
      for (int j = 0; j < gen.length; j++) {
        next[j] ^= gen[j];
        next[j + 1] ^= mul(gen[j], EXP[i]);
      }
      gen = next;
    }
    int[] rem = new int[n];
    for (int d : data) {
      int factor = d ^ rem[0];
      System.arraycopy(rem, 1, rem, 0, n - 1);
      rem[n - 1] = 0;
      for (int j = 0; j < n; j++) {
        rem[j] ^= mul(gen[j + 1], factor);
      }
    }
    return rem;
  }

  private static final class Bits {
    private final List<Boolean> bits = new ArrayList<>();
    int size;

    void add(int value, int count) {
      for (int i = count - 1; i >= 0; i--) {
        bits.add(((value >>> i) & 1) == 1);
      }
      size = bits.size();
    }

    int octet(int i) {
      int v = 0;
      for (int j = 0; j < 8; j++) {
        v = (v << 1) | (bits.get(i * 8 + j) ? 1 : 0);
      }
      return v;
    }
  }

  /** The module grid: function patterns, then data in the zigzag, masked with pattern 0. */
  private static final class Symbol {
    final int version;
    final int size;
    final boolean[][] modules;
    final boolean[][] function;

    Symbol(int version) {
      this.version = version;
      this.size = 17 + 4 * version;
      this.modules = new boolean[size][size];
      this.function = new boolean[size][size];
      finder(0, 0);
      finder(size - 7, 0);
      finder(0, size - 7);
      for (int i = 8; i < size - 8; i++) {
        set(i, 6, i % 2 == 0);
        set(6, i, i % 2 == 0);
      }
      int[] align = ALIGN[version - 1];
      for (int ay : align) {
        for (int ax : align) {
          if ((ax == 6 && ay == 6) || (ax == 6 && ay == size - 7) || (ax == size - 7 && ay == 6)) {
            continue;
          }
          for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
              set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) != 1);
            }
          }
        }
      }
      format();
      if (version >= 7) {
        versionInfo();
      }
    }

    private void set(int x, int y, boolean dark) {
      modules[y][x] = dark;
      function[y][x] = true;
    }

    private void finder(int x0, int y0) {
      for (int dy = -1; dy <= 7; dy++) {
        for (int dx = -1; dx <= 7; dx++) {
          int x = x0 + dx;
          int y = y0 + dy;
          if (x < 0 || y < 0 || x >= size || y >= size) {
            continue;
          }
          int ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
          set(x, y, ring != 2 && ring != 4);
        }
      }
    }

    /** Format information: level L (01), mask 0, BCH(15,5), XOR 0x5412, in both copies. */
    private void format() {
      int data = 0b01 << 3;
      int rem = data;
      for (int i = 0; i < 10; i++) {
        rem = (rem << 1) ^ (((rem >>> 9) & 1) * 0x537);
      }
      int bits = ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
      for (int i = 0; i <= 5; i++) {
        set(8, i, bit(bits, i));
      }
      set(8, 7, bit(bits, 6));
      set(8, 8, bit(bits, 7));
      set(7, 8, bit(bits, 8));
      for (int i = 9; i < 15; i++) {
        set(14 - i, 8, bit(bits, i));
      }
      for (int i = 0; i < 8; i++) {
        set(size - 1 - i, 8, bit(bits, i));
      }
      for (int i = 8; i < 15; i++) {
        set(8, size - 15 + i, bit(bits, i));
      }
      set(8, size - 8, true);
    }

    /** Version information for versions 7 and up: BCH(18,6) with generator 0x1f25. */
    private void versionInfo() {
      int rem = version;
      for (int i = 0; i < 12; i++) {
        rem = (rem << 1) ^ (((rem >>> 11) & 1) * 0x1f25);
      }
      int bits = (version << 12) | (rem & 0xfff);
      for (int i = 0; i < 18; i++) {
        boolean b = bit(bits, i);
        int a = size - 11 + i % 3;
        int c = i / 3;
        set(a, c, b);
        set(c, a, b);
      }
    }

    private static boolean bit(int v, int i) {
      return ((v >>> i) & 1) != 0;
    }

    void place(int[] codewords) {
      int i = 0;
      int total = codewords.length * 8;
      for (int right = size - 1; right >= 1; right -= 2) {
        if (right == 6) {
          right = 5;
        }
        for (int vert = 0; vert < size; vert++) {
          for (int j = 0; j < 2; j++) {
            int x = right - j;
            boolean upward = ((right + 1) & 2) == 0;
            int y = upward ? size - 1 - vert : vert;
            if (function[y][x]) {
              continue;
            }
            boolean dark = i < total && bit(codewords[i >>> 3], 7 - (i & 7));
            i++;
            // mask 0: (x + y) % 2 == 0
            modules[y][x] = dark ^ ((x + y) % 2 == 0);
          }
        }
      }
    }
  }
}
