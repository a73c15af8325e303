package startos.s9pk.merkle;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Unsigned LEB128 integers and length-prefixed UTF-8 strings, as in S9PK tables of contents. */
final class Varint {
  static final int MAX_BYTES = 10;
  static final int MAX_STRING = 1024 * 1024;

  private Varint() {}

  static int size(long n) {
    int size = 1;
    while ((n & ~0x7fL) != 0) {
      n >>>= 7;
      size++;
    }
    return size;
  }

  static void write(long n, ByteArrayOutputStream out) {
    while ((n & ~0x7fL) != 0) {
      out.write((int) ((n & 0x7f) | 0x80));
      n >>>= 7;
    }
    out.write((int) n);
  }

  static byte[] encode(long n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_BYTES);
    write(n, out);
    return out.toByteArray();
  }

  /** Reads one varint; {@code where} names the table of contents for the error message. */
  static long read(ByteBuffer in, String where) {
    long result = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      if (!in.hasRemaining()) {
        throw new S9pkException(where + ": table of contents ends inside a varint");
      }
      int b = in.get() & 0xff;
      if (i == MAX_BYTES - 1 && (b & 0x80) != 0) {
        throw new S9pkException(where + ": unterminated varint (more than 10 bytes)");
      }
      if (i == MAX_BYTES - 1 && b > 1) {
        throw new S9pkException(where + ": varint does not fit in 64 bits");
      }
      result |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new AssertionError("unreachable: the tenth byte always ends the varint");
  }

  static int stringSize(String s) {
    int len = s.getBytes(StandardCharsets.UTF_8).length;
    return size(len) + len;
  }

  static void writeString(String s, ByteArrayOutputStream out) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    write(bytes.length, out);
    out.write(bytes, 0, bytes.length);
  }

  static String readString(ByteBuffer in, String where) {
    long len = read(in, where);
    if (len > MAX_STRING) {
      throw new S9pkException(where + ": name of " + len + " bytes is over the 1 MiB limit");
    }
    if (len > in.remaining()) {
      throw new S9pkException(where + ": table of contents ends inside a name");
    }
    ByteBuffer slice = in.slice(in.position(), (int) len);
    in.position(in.position() + (int) len);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice)
          .toString();
    } catch (CharacterCodingException e) {
      throw new S9pkException(where + ": name is not valid UTF-8", e);
    }
  }
}
