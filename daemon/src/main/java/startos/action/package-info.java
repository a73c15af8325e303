/**
 * Actions and tasks (StartOS §5.5, §5.6). {@link startos.action.PackageActions} runs a package's
 * actions for the user ({@link startos.action.ActionMethods}: {@code package.action.get-input},
 * {@code run}, {@code clear-task}) and for packages (the {@code action.*} effects): existence,
 * {@code access}, visibility and {@code allowedStatuses} checks, the package's handlers called
 * through {@link startos.action.ActionHost} (the service layer, with the SDK's procedure ids {@code
 * /actions/<id>/getInput} and {@code /actions/<id>/run}), and the tasks kept on the requesting
 * package ({@link startos.action.TaskRules}: {@code input-not-matches}, {@code once}, re-evaluation
 * when the target action runs or its package finished init).
 *
 * <p>Action input forms: {@link startos.action.InputSpecValidator#validate} checks the input a user
 * sends to {@code package.action.run} against the InputSpec the package declared (StartOS §5.5, the
 * SDK's {@code ValueSpec*} types) before the package sees it, and answers either the normalized
 * input or one clear message per field.
 *
 * <p>Trust: both sides are untrusted. The spec comes from the package (its JavaScript runs as root
 * in its container), so a malformed spec, a regular expression that backtracks catastrophically, a
 * huge or deeply nested form refuses with {@link startos.action.InvalidInputSpecException} and
 * never hangs or overflows the stack; the input comes from a client and gets per-field errors.
 *
 * <p>Threads: everything here is stateless (apart from the database) and may be called from any
 * thread; validation is bounded in work by the limits in {@link startos.action.InputSpecValidator};
 * running an action blocks while the package's handler runs and holds no lock meanwhile.
 *
 * <p>Not done yet: {@code disabled} and {@code immutable} fields are not enforced (that needs the
 * current value the package's {@code getInput} returned); runs of one package's actions are not
 * serialized against each other (StartOS queues them per service); a critical task is re-applied
 * (service stopped) only when it becomes active, not each time it is evaluated active again.
 */
package startos.action;
