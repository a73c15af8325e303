package startos.s9pk.merkle;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * BLAKE3-256 written out so that large inputs can be hashed in parallel: aligned groups of {@value
 * #PIECE_CHUNKS} chunks are complete subtrees of the BLAKE3 tree, so their chaining values can be
 * computed independently and merged afterwards. Cross-checked in tests against commons-codec's
 * sequential implementation.
 */
final class Blake3 {
  static final int CHUNK = 1024;
  static final int PIECE_CHUNKS = 1024;
  static final long PIECE = (long) CHUNK * PIECE_CHUNKS;

  private static final int CHUNK_START = 1;
  private static final int CHUNK_END = 2;
  private static final int PARENT = 4;
  private static final int ROOT = 8;
  private static final int[] IV = {
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19
  };
  private static final int[] PERMUTATION = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
  private static final int[][] SCHEDULE = new int[7][16];

  static {
    int[] current = new int[16];
    for (int i = 0; i < 16; i++) {
      current[i] = i;
    }
    for (int r = 0; r < 7; r++) {
      SCHEDULE[r] = current.clone();
      int[] next = new int[16];
      for (int i = 0; i < 16; i++) {
        next[i] = current[PERMUTATION[i]];
      }
      current = next;
    }
  }

  private Blake3() {}

  /** Hashes a byte array (small inputs, sighashes). */
  static Hash hash(byte[] data) {
    return hash(ByteSource.of(data), 0, data.length, 1);
  }

  /**
   * Hashes {@code [position, position + length)} of {@code source} using up to {@code threads}
   * threads; fails if the source ends early.
   */
  static Hash hash(ByteSource source, long position, long length, int threads) {
    return hash(source, position, length, threads, (offset, data) -> {});
  }

  /** Receives each piece of the input as it is hashed, possibly on several threads at once. */
  @FunctionalInterface
  interface PieceSink {
    void accept(long offset, byte[] data);
  }

  /** Like {@link #hash(ByteSource, long, long, int)}, also handing every piece to {@code sink}. */
  static Hash hash(ByteSource source, long position, long length, int threads, PieceSink sink) {
    long pieces = Math.max(1, (length + PIECE - 1) / PIECE);
    if (pieces == 1) {
      byte[] data = source.readFully(position, (int) length, "file contents");
      sink.accept(0, data);
      int chunks = Math.max(1, (data.length + CHUNK - 1) / CHUNK);
      return Hash.of(toBytes(subtree(data, 0, data.length, 0, chunks, true), 0));
    }
    int[] pieceCvs = new int[(int) pieces * 8];
    if (threads <= 1) {
      for (long p = 0; p < pieces; p++) {
        hashPiece(source, position, length, p, pieceCvs, sink);
      }
    } else {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        int window = threads * 2;
        List<Future<?>> inFlight = new ArrayList<>();
        for (long p = 0; p < pieces; p++) {
          long piece = p;
          inFlight.add(
              pool.submit(() -> hashPiece(source, position, length, piece, pieceCvs, sink)));
          if (inFlight.size() >= window) {
            await(inFlight.remove(0));
          }
        }
        for (Future<?> f : inFlight) {
          await(f);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    return Hash.of(toBytes(mergePieces(pieceCvs, 0, (int) pieces, true), 0));
  }

  private static void await(Future<?> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new S9pkException("interrupted while hashing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new S9pkException("hashing failed: " + e.getCause(), e.getCause());
    }
  }

  private static void hashPiece(
      ByteSource source, long position, long length, long piece, int[] pieceCvs, PieceSink sink) {
    long start = piece * PIECE;
    int len = (int) Math.min(PIECE, length - start);
    byte[] data = source.readFully(position + start, len, "file contents");
    sink.accept(start, data);
    int chunks = (len + CHUNK - 1) / CHUNK;
    int[] cv = subtree(data, 0, len, piece * PIECE_CHUNKS, chunks, false);
    System.arraycopy(cv, 0, pieceCvs, (int) piece * 8, 8);
  }

  private static int[] mergePieces(int[] cvs, int first, int count, boolean root) {
    if (count == 1) {
      int[] cv = new int[8];
      System.arraycopy(cvs, first * 8, cv, 0, 8);
      return cv;
    }
    int left = Integer.highestOneBit(count - 1);
    return parent(
        mergePieces(cvs, first, left, false),
        mergePieces(cvs, first + left, count - left, false),
        root);
  }

  /**
   * Chaining value of chunks {@code [0, chunks)} of {@code data}, the first being number {@code
   * counter}.
   */
  private static int[] subtree(
      byte[] data, int offset, int end, long counter, int chunks, boolean root) {
    if (chunks == 1) {
      return chunk(data, offset, Math.min(end, offset + CHUNK), counter, root);
    }
    int left = Integer.highestOneBit(chunks - 1);
    int mid = offset + left * CHUNK;
    return parent(
        subtree(data, offset, end, counter, left, false),
        subtree(data, mid, end, counter + left, chunks - left, false),
        root);
  }

  private static int[] parent(int[] left, int[] right, boolean root) {
    int[] block = new int[16];
    System.arraycopy(left, 0, block, 0, 8);
    System.arraycopy(right, 0, block, 8, 8);
    int[] out = new int[8];
    compress(IV, block, 0, 64, PARENT | (root ? ROOT : 0), out);
    return out;
  }

  private static int[] chunk(byte[] data, int offset, int end, long counter, boolean root) {
    int[] cv = IV.clone();
    int[] block = new int[16];
    int pos = offset;
    int blocks = Math.max(1, (end - offset + 63) / 64);
    for (int b = 0; b < blocks; b++) {
      int blockLen = Math.min(64, end - pos);
      readBlock(data, pos, blockLen, block);
      int flags = (b == 0 ? CHUNK_START : 0);
      if (b == blocks - 1) {
        flags |= CHUNK_END | (root ? ROOT : 0);
      }
      compress(cv, block, counter, blockLen, flags, cv);
      pos += blockLen;
    }
    return cv;
  }

  private static void readBlock(byte[] data, int pos, int len, int[] block) {
    if (len == 64) {
      for (int i = 0; i < 16; i++) {
        int p = pos + i * 4;
        block[i] =
            (data[p] & 0xff)
                | (data[p + 1] & 0xff) << 8
                | (data[p + 2] & 0xff) << 16
                | (data[p + 3] & 0xff) << 24;
      }
      return;
    }
    java.util.Arrays.fill(block, 0);
    for (int i = 0; i < len; i++) {
      block[i >> 2] |= (data[pos + i] & 0xff) << ((i & 3) * 8);
    }
  }

  private static void compress(
      int[] cv, int[] m, long counter, int blockLen, int flags, int[] out) {
    int v0 = cv[0], v1 = cv[1], v2 = cv[2], v3 = cv[3];
    int v4 = cv[4], v5 = cv[5], v6 = cv[6], v7 = cv[7];
    int v8 = IV[0], v9 = IV[1], v10 = IV[2], v11 = IV[3];
    int v12 = (int) counter, v13 = (int) (counter >>> 32), v14 = blockLen, v15 = flags;
    for (int r = 0; r < 7; r++) {
      int[] s = SCHEDULE[r];
      v0 += v4 + m[s[0]];
      v12 = Integer.rotateRight(v12 ^ v0, 16);
      v8 += v12;
      v4 = Integer.rotateRight(v4 ^ v8, 12);
      v0 += v4 + m[s[1]];
      v12 = Integer.rotateRight(v12 ^ v0, 8);
      v8 += v12;
      v4 = Integer.rotateRight(v4 ^ v8, 7);
      v1 += v5 + m[s[2]];
      v13 = Integer.rotateRight(v13 ^ v1, 16);
      v9 += v13;
      v5 = Integer.rotateRight(v5 ^ v9, 12);
      v1 += v5 + m[s[3]];
      v13 = Integer.rotateRight(v13 ^ v1, 8);
      v9 += v13;
      v5 = Integer.rotateRight(v5 ^ v9, 7);
      v2 += v6 + m[s[4]];
      v14 = Integer.rotateRight(v14 ^ v2, 16);
      v10 += v14;
      v6 = Integer.rotateRight(v6 ^ v10, 12);
      v2 += v6 + m[s[5]];
      v14 = Integer.rotateRight(v14 ^ v2, 8);
      v10 += v14;
      v6 = Integer.rotateRight(v6 ^ v10, 7);
      v3 += v7 + m[s[6]];
      v15 = Integer.rotateRight(v15 ^ v3, 16);
      v11 += v15;
      v7 = Integer.rotateRight(v7 ^ v11, 12);
      v3 += v7 + m[s[7]];
      v15 = Integer.rotateRight(v15 ^ v3, 8);
      v11 += v15;
      v7 = Integer.rotateRight(v7 ^ v11, 7);
      v0 += v5 + m[s[8]];
      v15 = Integer.rotateRight(v15 ^ v0, 16);
      v10 += v15;
      v5 = Integer.rotateRight(v5 ^ v10, 12);
      v0 += v5 + m[s[9]];
      v15 = Integer.rotateRight(v15 ^ v0, 8);
      v10 += v15;
      v5 = Integer.rotateRight(v5 ^ v10, 7);
      v1 += v6 + m[s[10]];
      v12 = Integer.rotateRight(v12 ^ v1, 16);
      v11 += v12;
      v6 = Integer.rotateRight(v6 ^ v11, 12);
      v1 += v6 + m[s[11]];
      v12 = Integer.rotateRight(v12 ^ v1, 8);
      v11 += v12;
      v6 = Integer.rotateRight(v6 ^ v11, 7);
      v2 += v7 + m[s[12]];
      v13 = Integer.rotateRight(v13 ^ v2, 16);
      v8 += v13;
      v7 = Integer.rotateRight(v7 ^ v8, 12);
      v2 += v7 + m[s[13]];
      v13 = Integer.rotateRight(v13 ^ v2, 8);
      v8 += v13;
      v7 = Integer.rotateRight(v7 ^ v8, 7);
      v3 += v4 + m[s[14]];
      v14 = Integer.rotateRight(v14 ^ v3, 16);
      v9 += v14;
      v4 = Integer.rotateRight(v4 ^ v9, 12);
      v3 += v4 + m[s[15]];
      v14 = Integer.rotateRight(v14 ^ v3, 8);
      v9 += v14;
      v4 = Integer.rotateRight(v4 ^ v9, 7);
    }
    out[0] = v0 ^ v8;
    out[1] = v1 ^ v9;
    out[2] = v2 ^ v10;
    out[3] = v3 ^ v11;
    out[4] = v4 ^ v12;
    out[5] = v5 ^ v13;
    out[6] = v6 ^ v14;
    out[7] = v7 ^ v15;
  }

  private static byte[] toBytes(int[] words, int offset) {
    ByteBuffer buffer = ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 8; i++) {
      buffer.putInt(words[offset + i]);
    }
    return buffer.array();
  }
}
