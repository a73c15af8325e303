package startos.patchdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a database directory holds, read and validated without changing anything: the snapshot, the
 * log replayed onto it, and whether the log ends in a torn tail to cut. Damage that is not a torn
 * tail throws a {@link PatchDbException} naming the file, the offset and the problem.
 */
final class StoreScan {
  private static final System.Logger LOGGER = System.getLogger(StoreScan.class.getName());

  boolean fresh;
  long id;
  ObjectNode root;
  int end;
  int revisions;
  boolean logExists;
  boolean truncate;

  private StoreScan() {}

  /** Reads and validates the directory; throws {@link PatchDbException} on any damage. */
  static StoreScan read(Path dir) {
    Path snapshotPath = dir.resolve(FileJournal.SNAPSHOT);
    Path logPath = dir.resolve(FileJournal.LOG);
    StoreScan scan = new StoreScan();
    byte[] logBytes = readIfExists(logPath);
    scan.logExists = logBytes != null;
    byte[] snapshot = readIfExists(snapshotPath);
    if (snapshot == null) {
      if (logBytes != null && !Frames.allZero(logBytes, 0, logBytes.length)) {
        throw new PatchDbException(
            logPath + " holds revisions but " + snapshotPath + " is missing; refusing to guess");
      }
      scan.fresh = true;
      scan.root = initialRoot();
      scan.truncate = logBytes != null && logBytes.length > 0;
      return scan;
    }
    readSnapshot(snapshotPath, snapshot, scan);
    if (logBytes != null) {
      replayLog(logPath, logBytes, scan);
    }
    return scan;
  }

  static ObjectNode initialRoot() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.putObject("public");
    root.putObject("private");
    return root;
  }

  private static void readSnapshot(Path path, byte[] bytes, StoreScan scan) {
    if (!(Frames.read(bytes, 0, bytes.length) instanceof Frames.Valid frame)) {
      Frames.Invalid invalid = (Frames.Invalid) Frames.read(bytes, 0, bytes.length);
      throw new PatchDbException(path + " is corrupt: " + invalid.reason());
    }
    if (frame.next() != bytes.length) {
      throw new PatchDbException(
          path
              + " is corrupt: "
              + (bytes.length - frame.next())
              + " unexpected bytes after the snapshot");
    }
    JsonNode node = decode(bytes, frame);
    if (!hasNonNegativeId(node) || !node.path("value").isObject()) {
      throw new PatchDbException(
          path
              + " is corrupt: expected a CBOR map {id, value} with a non-negative id and an object value");
    }
    scan.id = node.get("id").longValue();
    scan.root = (ObjectNode) node.get("value");
  }

  private static void replayLog(Path path, byte[] bytes, StoreScan scan) {
    int offset = 0;
    long previous = -1;
    long snapshotId = scan.id;
    Frames.Invalid bad;
    while (true) {
      Frames.Frame frame = Frames.read(bytes, offset, bytes.length);
      if (frame instanceof Frames.Invalid invalid) {
        bad = invalid;
        break;
      }
      Frames.Valid valid = (Frames.Valid) frame;
      Revision revision = revision(path, offset, decode(bytes, valid));
      if (previous >= 0 && revision.id() != previous + 1) {
        throw new PatchDbException(
            corruptRevision(path, revision, offset) + " follows revision " + previous);
      }
      if (revision.id() > snapshotId) {
        if (revision.id() != scan.id + 1) {
          throw new PatchDbException(
              path
                  + " is corrupt: it continues at revision "
                  + revision.id()
                  + " but the snapshot is at revision "
                  + scan.id);
        }
        try {
          JsonNode root = JsonPatches.applyInPlace(scan.root, revision.patch());
          if (!(root instanceof ObjectNode object)) {
            throw new PatchDbException("the root would no longer be an object");
          }
          scan.root = object;
        } catch (PatchDbException e) {
          throw new PatchDbException(
              corruptRevision(path, revision, offset) + " does not apply: " + e.getMessage(), e);
        }
        scan.id = revision.id();
        scan.revisions++;
      }
      previous = revision.id();
      offset = valid.next();
    }
    if (offset < bytes.length) {
      int later = Frames.findValid(bytes, offset, bytes.length);
      if (later >= 0) {
        throw new PatchDbException(
            path
                + " is corrupt: the record at offset "
                + offset
                + " is damaged ("
                + bad.reason()
                + ") but a valid record follows at offset "
                + later
                + "; this is not a torn tail, so nothing was truncated");
      }
      scan.truncate = !Frames.allZero(bytes, offset, bytes.length);
      if (scan.truncate) {
        LOGGER.log(
            System.Logger.Level.WARNING,
            "{0}: dropping a torn tail of {1} bytes at offset {2} ({3})",
            path,
            bytes.length - offset,
            offset,
            bad.reason());
      }
    }
    if (scan.revisions == 0 && offset > 0) {
      // every record is already in the snapshot: a compaction stopped before emptying the log
      scan.truncate = true;
      offset = 0;
    }
    scan.end = offset;
  }

  private static JsonNode decode(byte[] bytes, Frames.Valid frame) {
    try {
      return FileJournal.CBOR.readTree(bytes, frame.payloadOffset(), frame.length());
    } catch (IOException e) {
      return null;
    }
  }

  private static String corruptRevision(Path path, Revision revision, int offset) {
    return path + " is corrupt: revision " + revision.id() + " at offset " + offset;
  }

  /** Whether {@code node} is a map whose {@code id} is a whole number that fits a long, >= 0. */
  private static boolean hasNonNegativeId(JsonNode node) {
    return node != null
        && node.path("id").canConvertToExactIntegral()
        && node.path("id").canConvertToLong()
        && node.path("id").longValue() >= 0;
  }

  private static Revision revision(Path path, int offset, JsonNode node) {
    if (!hasNonNegativeId(node) || !node.path("patch").isArray()) {
      throw new PatchDbException(
          path
              + " is corrupt: the record at offset "
              + offset
              + " has a valid checksum but is not a CBOR revision {id, patch}");
    }
    return new Revision(node.get("id").longValue(), (ArrayNode) node.get("patch"));
  }

  private static byte[] readIfExists(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new PatchDbException("cannot read " + path + ": " + FileJournal.reason(e), e);
    }
  }
}
