package startos.patchdb;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The record framing shared by {@code db.log} and {@code db.snapshot}: {@code [u32 length][u32
 * CRC32C of the payload][payload]}, big-endian, length at least 1.
 */
final class Frames {
  static final int HEADER = 8;

  private Frames() {}

  /** A frame read at some offset: either a valid payload or the reason it is not one. */
  sealed interface Frame permits Valid, Invalid {}

  record Valid(int payloadOffset, int length, int next) implements Frame {}

  record Invalid(String reason) implements Frame {}

  static ByteBuffer frame(byte[] payload) {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + payload.length);
    buffer.putInt(payload.length).putInt(crc(payload, 0, payload.length)).put(payload).flip();
    return buffer;
  }

  static Frame read(byte[] data, int offset, int end) {
    int left = end - offset;
    if (left < HEADER) {
      return new Invalid("only " + left + " bytes left where a record header needs " + HEADER);
    }
    ByteBuffer view = ByteBuffer.wrap(data, offset, HEADER);
    long length = Integer.toUnsignedLong(view.getInt());
    int crc = view.getInt();
    if (length == 0) {
      return new Invalid("record length is zero");
    }
    if (length > left - HEADER) {
      return new Invalid(
          "record length " + length + " exceeds the " + (left - HEADER) + " bytes that remain");
    }
    int payload = offset + HEADER;
    if (crc(data, payload, (int) length) != crc) {
      return new Invalid("CRC32C checksum mismatch in a record of " + length + " bytes");
    }
    return new Valid(payload, (int) length, payload + (int) length);
  }

  /** The first offset after {@code from} where a valid frame starts, or -1. */
  static int findValid(byte[] data, int from, int end) {
    for (int offset = from + 1; offset <= end - HEADER - 1; offset++) {
      if (data[offset] == 0
          && data[offset + 1] == 0
          && data[offset + 2] == 0
          && data[offset + 3] == 0) {
        continue;
      }
      if (read(data, offset, end) instanceof Valid) {
        return offset;
      }
    }
    return -1;
  }

  static boolean allZero(byte[] data, int from, int end) {
    for (int i = from; i < end; i++) {
      if (data[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static int crc(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }
}
