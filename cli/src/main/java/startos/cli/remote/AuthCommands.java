package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import startos.cli.CliCommand;
import startos.cli.CliException;
import startos.cli.ExitCode;
import startos.cli.Output;
import startos.cli.RpcClient;

@Command(
    name = "auth",
    description = "Commands related to Authentication i.e. login, logout",
    mixinStandardHelpOptions = true,
    subcommands = {
      AuthCommands.Login.class,
      AuthCommands.Logout.class,
      AuthCommands.Session.class,
      AuthCommands.ResetPassword.class,
      AuthCommands.GetPubkey.class,
    })
public final class AuthCommands {
  private AuthCommands() {}

  @Command(
      name = "login",
      description = "Login to a new auth session (password from $PASSWORD or the terminal)",
      mixinStandardHelpOptions = true)
  static final class Login extends CliCommand {
    @Override
    protected void run() {
      String password = Secrets.read(root().env(), "PASSWORD", "Password: ");
      var params = params().put("password", password).put("ephemeral", false);
      params.putObject("metadata").putArray("platforms").add("cli");
      RpcClient rpc = rpc();
      rpc.sessions().forget(rpc.host()); // a stale token must not decide how the login is judged
      RpcClient.Reply reply = rpc.exchange("auth.login", params);
      String token =
          reply
              .sessionCookie()
              .or(() -> Optional.ofNullable(reply.result().path("session").textValue()))
              .orElseThrow(() ->
                  new CliException(
                      ExitCode.SERVER_ERROR,
                      "auth.login succeeded but startd at " + rpc.host() + " sent no session"));
      rpc.sessions().save(rpc.host(), token);
      out().result(reply.result(), () -> out().line("logged in to " + rpc.host()));
    }
  }

  @Command(
      name = "logout",
      description = "Logout of the current auth session, or end the given session",
      mixinStandardHelpOptions = true)
  static final class Logout extends CliCommand {
    @Parameters(
        paramLabel = "SESSION",
        arity = "0..1",
        description = "Session id to end (default: this CLI's own session)")
    Optional<String> session = Optional.empty();

    @Override
    protected void run() {
      RpcClient rpc = rpc();
      if (session.isPresent()) {
        remote("auth.session.kill", ids(List.of(session.get())));
        out().line("ended session " + session.get());
        return;
      }
      if (rpc.sessions().session(rpc.host()).isEmpty()) {
        out().line("not logged in to " + rpc.host() + ": nothing to do");
        return;
      }
      try {
        remote("auth.logout", params());
      } catch (CliException e) {
        if (e.exitCode() != ExitCode.NOT_LOGGED_IN) {
          throw e;
        }
      }
      rpc.sessions().forget(rpc.host());
      out().line("logged out of " + rpc.host());
    }
  }

  static com.fasterxml.jackson.databind.node.ObjectNode ids(List<String> ids) {
    var params = CliCommand.params();
    ArrayNode array = params.putArray("ids");
    ids.forEach(array::add);
    return params;
  }

  @Command(
      name = "session",
      description = "List or kill auth sessions",
      mixinStandardHelpOptions = true,
      subcommands = {Session.ListSessions.class, Session.Kill.class})
  static final class Session {
    private Session() {}

    @Command(
        name = "list",
        description = "Display all auth sessions",
        mixinStandardHelpOptions = true)
    static final class ListSessions extends CliCommand {
      @Override
      protected void run() {
        JsonNode result = remote("auth.session.list", params());
        out().result(result, () -> out().table(HEADERS, rows(result)));
      }

      static final List<String> HEADERS = List.of("ID", "LOGGED IN", "LAST ACTIVE", "USER AGENT");

      static List<List<String>> rows(JsonNode result) {
        String current = result.path("current").asText("");
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : result.path("sessions").properties()) {
          JsonNode s = e.getValue();
          rows.add(
              List.of(
                  e.getKey().equals(current) ? e.getKey() + " (current)" : e.getKey(),
                  Output.cell(s.get("loggedIn")),
                  Output.cell(s.get("lastActive")),
                  Output.cell(s.get("userAgent"))));
        }
        return rows;
      }
    }

    @Command(
        name = "kill",
        description = "Terminate auth sessions",
        mixinStandardHelpOptions = true)
    static final class Kill extends CliCommand {
      @Parameters(paramLabel = "IDS", arity = "1..*", description = "Session identifiers")
      List<String> ids = new ArrayList<>();

      @Override
      protected void run() {
        JsonNode result = remote("auth.session.kill", ids(ids));
        out().result(result, () -> out().line("killed " + ids.size() + " session(s)"));
      }
    }
  }

  @Command(
      name = "reset-password",
      description =
          "Reset the password (current from $PASSWORD, new from $NEW_PASSWORD, else the terminal)",
      mixinStandardHelpOptions = true)
  static final class ResetPassword extends CliCommand {
    @Override
    protected void run() {
      String old = Secrets.read(root().env(), "PASSWORD", "Current Password: ");
      String fresh = Secrets.readNew(root().env(), "NEW_PASSWORD", "New Password: ");
      JsonNode result =
          remote("auth.reset-password", params().put("oldPassword", old).put("newPassword", fresh));
      out().result(result, () -> out().line("password changed"));
    }
  }

  @Command(
      name = "get-pubkey",
      description = "Get the public key from the server",
      mixinStandardHelpOptions = true)
  static final class GetPubkey extends CliCommand {
    @Override
    protected void run() {
      out().value(remote("auth.get-pubkey", params()));
    }
  }
}
