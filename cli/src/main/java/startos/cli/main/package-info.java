/**
 * The {@code start-cli} program: {@link startos.cli.main.StartCliMain} (the entry point {@code
 * bin/start-cli} runs) and {@link startos.cli.main.StartCli}, the root command with StartOS's
 * global options, the command tree and the settings every command reads (flags, then {@link
 * startos.cli.main.CliConfigFile config files}, then defaults).
 *
 * <p>Threads: the main thread parses, runs one command and exits with its code.
 */
package startos.cli.main;
