package startos.patchdb;

/**
 * Everything Patch-DB refuses: a malformed pointer, a patch that does not apply (the database is
 * then unchanged), or a store on disk that is unwritable or corrupt. The message names the input or
 * file and what is wrong with it.
 */
public class PatchDbException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PatchDbException(String message) {
    super(message);
  }

  public PatchDbException(String message, Throwable cause) {
    super(message, cause);
  }
}
