package startos.cli.main;

import startos.cli.CliEnv;

/** Entry point of {@code start-cli}. */
public final class StartCliMain {
  private StartCliMain() {}

  public static void main(String[] args) {
    System.exit(StartCli.run(CliEnv.system(), args));
  }
}
