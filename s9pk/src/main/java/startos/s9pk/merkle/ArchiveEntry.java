package startos.s9pk.merkle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of an archive's table of contents; its name is its key in the parent directory. */
public sealed interface ArchiveEntry
    permits ArchiveEntry.File, ArchiveEntry.Directory, ArchiveEntry.Missing {

  /** File: BLAKE3 of the bytes. Directory: its sighash. Missing: the absent content's hash. */
  Hash hash();

  /** File: byte length. Directory: table-of-contents size. */
  long size();

  /** Bytes at {@code [position, position + size)} of the archive. */
  record File(Hash hash, long size, long position) implements ArchiveEntry {}

  /**
   * A directory whose table of contents sits at {@code [position, position + size)}; {@code
   * entries} keeps the order in which they appear there.
   */
  record Directory(Hash hash, long size, long position, Map<String, ArchiveEntry> entries)
      implements ArchiveEntry {
    public Directory {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
  }

  /** Listed and signed, but not present (e.g. images for another architecture). */
  record Missing(Hash hash, long size) implements ArchiveEntry {}
}
