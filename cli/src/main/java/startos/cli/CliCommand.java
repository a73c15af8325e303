package startos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of every leaf command: access to the root's settings, the RPC client and the output. */
abstract class CliCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  StartCli root() {
    return (StartCli) spec.root().userObject();
  }

  Output out() {
    return root().output();
  }

  RpcClient rpc() {
    return root().rpc();
  }

  static ObjectNode params() {
    return RpcClient.JSON.createObjectNode();
  }

  JsonNode remote(String method, ObjectNode params) {
    return rpc().call(method, params);
  }

  @Override
  public final Integer call() {
    run();
    return ExitCode.OK.code();
  }

  abstract void run();
}
