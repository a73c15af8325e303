/**
 * What every start-cli command is built on: {@link startos.cli.CliCommand} (a leaf command, with
 * the invocation's {@link startos.cli.CliSettings} and output), the environment ({@link
 * startos.cli.CliEnv}), output formats ({@link startos.cli.Output}), exit codes and errors ({@link
 * startos.cli.ExitCode}, {@link startos.cli.CliException}), and the JSON-RPC client that reaches
 * startd ({@link startos.cli.RpcClient}, with the saved session in {@link startos.cli.SessionStore}
 * and the local auth cookie in {@link startos.cli.LocalAuth}).
 *
 * <p>It knows no command: the RPC commands are {@code startos.cli.remote}, the offline packer
 * {@code startos.cli.pack}, and the root that lists them {@code startos.cli.main}.
 *
 * <p>Threads: one command runs per process, on the main thread; {@code RpcClient} blocks on each
 * call (60 s timeout).
 */
package startos.cli;
