package startos.action;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Collectors;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/** What {@link InputSpecValidator#validate} decided about one input. */
public sealed interface InputCheck {

  /**
   * The input fits the form. {@code input} is what the package is handed: the form's fields in the
   * form's order, optional fields that were left out present as {@code null}, empty optional texts
   * as {@code null} (as StartOS's UI sends them), numbers in JavaScript's form, and keys the form
   * does not know kept as they came (the SDK's parser is loose and keeps them too).
   */
  record Accepted(ObjectNode input) implements InputCheck {
    public Accepted {
      if (input == null) {
        throw new IllegalArgumentException("an accepted input is an object");
      }
    }
  }

  /** The input does not fit: one entry per refused field, in form order (at most a hundred). */
  record Refused(List<FieldError> errors) implements InputCheck {
    public Refused {
      errors = List.copyOf(errors);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("a refused input has at least one error");
      }
    }

    /**
     * The RPC error for this refusal: {@link ErrorKind#ACTION} (what StartOS answers when a package
     * refuses an action's input), details listing every field, and {@code info.errors} as {@code
     * [{path, message}]} for a client that shows them next to its fields.
     */
    public RpcException toException() {
      ObjectNode info = JsonNodeFactory.instance.objectNode();
      var list = info.putArray("errors");
      errors.forEach(e -> list.addObject().put("path", e.path()).put("message", e.message()));
      String details =
          "invalid input: "
              + errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
      return new RpcException(ErrorKind.ACTION, details, info, null);
    }
  }

  /** The accepted input, or the refusal as an {@link RpcException}. */
  default ObjectNode orThrow() {
    return switch (this) {
      case Accepted a -> a.input();
      case Refused r -> throw r.toException();
    };
  }
}
