package startos.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every leaf command: the root's settings, the RPC client and the output. One instance per
 * invocation, so the client made on first use is this invocation's.
 */
public abstract class CliCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private RpcClient rpc;

  public CliSettings root() {
    return (CliSettings) spec.root().userObject();
  }

  public Output out() {
    return root().output();
  }

  public RpcClient rpc() {
    if (rpc == null) {
      rpc = RpcClient.of(root());
    }
    return rpc;
  }

  public static ObjectNode params() {
    return RpcClient.JSON.createObjectNode();
  }

  public JsonNode remote(String method, ObjectNode params) {
    return rpc().call(method, params);
  }

  @Override
  public final Integer call() {
    run();
    return ExitCode.OK.code();
  }

  protected abstract void run();
}
