package startos.auth;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Decrypts StartOS's encrypted password form {@code {"encrypted": <JWE>}}, sealed to the key that
 * {@code auth.get-pubkey} hands out. Throws an {@link startos.rpc.RpcException} when it cannot.
 */
@FunctionalInterface
public interface PasswordDecryptor {
  String decrypt(JsonNode jwe);
}
