package startos.s9pk.merkle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What a developer signs and a registry publishes: the root sighash and the signed upper bound of
 * the root table of contents. Its 40-byte {@link #message()} is the Ed25519ph message.
 */
public record MerkleArchiveCommitment(Hash rootSighash, long rootMaxsize) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public MerkleArchiveCommitment {
    if (rootSighash == null) {
      throw new S9pkException("commitment needs a root sighash");
    }
    if (rootMaxsize < 0) {
      throw new S9pkException("commitment root maxsize must not be negative: " + rootMaxsize);
    }
  }

  /** {@code rootSighash || u64be(rootMaxsize)}. */
  public byte[] message() {
    return ByteBuffer.allocate(40).put(rootSighash.bytes()).putLong(rootMaxsize).array();
  }

  /** {@code {"rootSighash":"<base64>","rootMaxsize":N}}. */
  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("rootSighash", rootSighash.base64());
    node.put("rootMaxsize", rootMaxsize);
    return node.toString();
  }

  public static MerkleArchiveCommitment fromJson(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new S9pkException("commitment is not JSON: " + e.getMessage(), e);
    }
    if (node == null
        || !node.path("rootSighash").isTextual()
        || !node.path("rootMaxsize").canConvertToExactIntegral()) {
      throw new S9pkException(
          "commitment JSON needs a string rootSighash and an integer rootMaxsize");
    }
    return new MerkleArchiveCommitment(
        Hash.ofBase64(node.get("rootSighash").asText()), node.get("rootMaxsize").asLong());
  }

  /** {@code rootSighash=...&rootMaxsize=...}, the HTTP query form. */
  public String toQuery() {
    return "rootSighash="
        + URLEncoder.encode(rootSighash.base64(), StandardCharsets.UTF_8)
        + "&rootMaxsize="
        + rootMaxsize;
  }

  public static MerkleArchiveCommitment fromQuery(String query) {
    Map<String, String> params = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(
            pair.substring(0, eq),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    String sighash = params.get("rootSighash");
    String maxsize = params.get("rootMaxsize");
    if (sighash == null || maxsize == null) {
      throw new S9pkException("commitment query needs rootSighash and rootMaxsize: " + query);
    }
    try {
      return new MerkleArchiveCommitment(Hash.ofBase64(sighash), Long.parseLong(maxsize));
    } catch (NumberFormatException e) {
      throw new S9pkException("rootMaxsize is not a number: " + maxsize, e);
    }
  }
}
