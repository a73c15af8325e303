package startos.patchdb;

/**
 * Tuning of the durable store: a new snapshot is written (and the log emptied) once the log holds
 * {@code compactEveryRevisions} revisions or {@code compactEveryBytes} bytes, whichever comes
 * first.
 */
public record PatchDbOptions(int compactEveryRevisions, long compactEveryBytes) {
  public PatchDbOptions {
    if (compactEveryRevisions < 1) {
      throw new PatchDbException(
          "compactEveryRevisions must be at least 1, got " + compactEveryRevisions);
    }
    if (compactEveryBytes < 1) {
      throw new PatchDbException("compactEveryBytes must be at least 1, got " + compactEveryBytes);
    }
  }

  /** StartOS compacts every 4096 revisions; 16 MiB bounds replay time after a crash. */
  public static PatchDbOptions defaults() {
    return new PatchDbOptions(4096, 16L << 20);
  }
}
