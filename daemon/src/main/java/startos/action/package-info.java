/**
 * Action input forms: {@link startos.action.InputSpecValidator#validate} checks the input a user
 * sends to {@code package.action.run} against the InputSpec the package declared (StartOS §5.5, the
 * SDK's {@code ValueSpec*} types) before the package sees it, and answers either the normalized
 * input or one clear message per field.
 *
 * <p>Trust: both sides are untrusted. The spec comes from the package (its JavaScript runs as root
 * in its container), so a malformed spec, a regular expression that backtracks catastrophically, a
 * huge or deeply nested form refuses with {@link startos.action.InvalidInputSpecException} and
 * never hangs or overflows the stack; the input comes from a client and gets per-field errors.
 *
 * <p>Threads: everything here is stateless and may be called from any thread; one call is bounded
 * in work by the limits in {@link startos.action.InputSpecValidator}.
 *
 * <p>Not done yet: {@code disabled} and {@code immutable} fields are not enforced (that needs the
 * current value the package's {@code getInput} returned); the RPC methods do not call this yet.
 */
package startos.action;
