package startos.db;

import com.fasterxml.jackson.databind.JsonNode;
import startos.model.ModelCheck;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The check {@code db.apply} makes on the document a client's patch would leave: it must fit
 * StartOS's model field by field ({@link ModelCheck}), since startd decodes it afterwards.
 */
final class DbModel {
  private DbModel() {}

  /**
   * @throws RpcException Deserialization (12) naming the first thing that does not fit
   */
  static void check(JsonNode before, JsonNode after) {
    ModelCheck.misfit(before, after)
        .ifPresent(why -> {
          throw new RpcException(
              ErrorKind.DESERIALIZATION,
              "the result does not match the database model (nothing changed): " + why);
        });
  }
}
