package startos.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The setup wizard's password transport: the wizard fetches this P-256 public key as a JWK ({@code
 * setup.get-pubkey}) and sends secrets as a JWE (ECDH-ES with A128CBC-HS256, as node-jose makes
 * it), so a password typed over plain HTTP on the LAN is not readable on the wire.
 */
public final class SetupEncryption {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
  private static final Base64.Encoder B64URL_OUT = Base64.getUrlEncoder().withoutPadding();

  private final KeyPair keys;

  /** A fresh key pair: it lives in memory only, for as long as setup runs. */
  public SetupEncryption() {
    this(startos.ssl.Keys.p256());
  }

  /** Decrypts for an existing P-256 pair (e.g. the one {@code auth.get-pubkey} hands out). */
  public SetupEncryption(KeyPair keys) {
    if (!(keys.getPublic() instanceof ECPublicKey)) {
      throw new IllegalArgumentException("JWE decryption needs a P-256 key pair");
    }
    this.keys = keys;
  }

  /** The public key as a JWK {@code {kty, crv, x, y}}. */
  public ObjectNode publicJwk() {
    ECPoint w = ((ECPublicKey) keys.getPublic()).getW();
    ObjectNode jwk = JSON.createObjectNode();
    jwk.put("kty", "EC");
    jwk.put("crv", "P-256");
    jwk.put("x", B64URL_OUT.encodeToString(fixed32(w.getAffineX())));
    jwk.put("y", B64URL_OUT.encodeToString(fixed32(w.getAffineY())));
    return jwk;
  }

  /**
   * Decrypts a JWE in JSON serialization (flattened or general, first recipient) or compact form.
   */
  public String decrypt(JsonNode jwe) {
    try {
      Parts parts = Parts.of(jwe);
      ObjectNode header = parts.header();
      String alg = text(header, "alg");
      String enc = text(header, "enc");
      if (!alg.equals("ECDH-ES")) {
        throw failure("unsupported JWE key agreement '" + alg + "' (expected ECDH-ES)");
      }
      int keyBytes =
          switch (enc) {
            case "A128CBC-HS256", "A256GCM" -> 32;
            case "A192CBC-HS384" -> 48;
            case "A256CBC-HS512" -> 64;
            case "A128GCM" -> 16;
            case "A192GCM" -> 24;
            default -> throw failure("unsupported JWE content encryption '" + enc + "'");
          };
      JsonNode epk = header.path("epk");
      if (!epk.path("crv").asText().equals("P-256")) {
        throw failure("the JWE's ephemeral key is not a P-256 key");
      }
      ECPublicKey theirs = publicKey(epk);
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(keys.getPrivate());
      agreement.doPhase(theirs, true);
      byte[] z = agreement.generateSecret();
      byte[] cek =
          concatKdf(
              z,
              keyBytes,
              enc.getBytes(StandardCharsets.US_ASCII),
              optional(header, "apu"),
              optional(header, "apv"));
      byte[] plain = enc.contains("CBC") ? cbcHmac(cek, parts, keyBytes) : gcm(cek, parts);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw failure("could not decrypt the password: " + e.getMessage());
    }
  }

  /** NIST SP 800-56A single-step KDF with SHA-256, as RFC 7518 §4.6.2 uses it. */
  static byte[] concatKdf(byte[] z, int keyBytes, byte[] algorithmId, byte[] apu, byte[] apv)
      throws GeneralSecurityException {
    ByteArrayOutputStream otherInfo = new ByteArrayOutputStream();
    lengthPrefixed(otherInfo, algorithmId);
    lengthPrefixed(otherInfo, apu);
    lengthPrefixed(otherInfo, apv);
    otherInfo.writeBytes(ByteBuffer.allocate(4).putInt(keyBytes * 8).array());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (int counter = 1; out.size() < keyBytes; counter++) {
      sha256.update(ByteBuffer.allocate(4).putInt(counter).array());
      sha256.update(z);
      sha256.update(otherInfo.toByteArray());
      out.writeBytes(sha256.digest());
    }
    return Arrays.copyOf(out.toByteArray(), keyBytes);
  }

  private static byte[] cbcHmac(byte[] cek, Parts parts, int keyBytes)
      throws GeneralSecurityException {
    int half = keyBytes / 2;
    String hmac = "HmacSHA" + (half * 16);
    Mac mac = Mac.getInstance(hmac);
    mac.init(new SecretKeySpec(Arrays.copyOfRange(cek, 0, half), hmac));
    byte[] aad = parts.aad();
    mac.update(aad);
    mac.update(parts.iv());
    mac.update(parts.ciphertext());
    mac.update(ByteBuffer.allocate(8).putLong((long) aad.length * 8).array());
    byte[] tag = Arrays.copyOf(mac.doFinal(), half);
    if (!MessageDigest.isEqual(tag, parts.tag())) {
      throw failure("the encrypted password failed its integrity check (wrong key or altered)");
    }
    Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
    aes.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(Arrays.copyOfRange(cek, half, keyBytes), "AES"),
        new IvParameterSpec(parts.iv()));
    return aes.doFinal(parts.ciphertext());
  }

  private static byte[] gcm(byte[] cek, Parts parts) throws GeneralSecurityException {
    Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
    aes.init(
        Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, parts.iv()));
    aes.updateAAD(parts.aad());
    aes.update(parts.ciphertext());
    return aes.doFinal(parts.tag());
  }

  private static ECPublicKey publicKey(JsonNode jwk) throws GeneralSecurityException {
    ECPublicKey ours = (ECPublicKey) startos.ssl.Keys.p256().getPublic();
    ECPoint point =
        new ECPoint(
            new BigInteger(1, B64URL.decode(text(jwk, "x"))),
            new BigInteger(1, B64URL.decode(text(jwk, "y"))));
    return (ECPublicKey)
        KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, ours.getParams()));
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, byte[] data) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(data);
  }

  private static byte[] fixed32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static byte[] optional(JsonNode header, String field) {
    return header.hasNonNull(field) ? B64URL.decode(header.get(field).asText()) : new byte[0];
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw failure("the encrypted password has no '" + field + "'");
    }
    return value.asText();
  }

  private static RpcException failure(String details) {
    return new RpcException(ErrorKind.INVALID_REQUEST, details);
  }

  /** The pieces of a JWE, whatever its serialization. */
  private static final class Parts {
    private final String protectedB64;
    private final ObjectNode header;
    private final String aadB64;
    private final byte[] iv;
    private final byte[] ciphertext;
    private final byte[] tag;

    Parts(
        String protectedB64,
        ObjectNode header,
        String aadB64,
        byte[] iv,
        byte[] ciphertext,
        byte[] tag) {
      this.protectedB64 = protectedB64;
      this.header = header;
      this.aadB64 = aadB64;
      this.iv = iv;
      this.ciphertext = ciphertext;
      this.tag = tag;
    }

    ObjectNode header() {
      return header;
    }

    byte[] iv() {
      return iv;
    }

    byte[] ciphertext() {
      return ciphertext;
    }

    byte[] tag() {
      return tag;
    }

    static Parts of(JsonNode jwe) {
      if (jwe.isTextual()) {
        String[] p = jwe.asText().split("\\.", -1);
        if (p.length != 5) {
          throw failure("a compact JWE has 5 parts, got " + p.length);
        }
        return new Parts(p[0], decodeHeader(p[0]), "", bytes(p[2]), bytes(p[3]), bytes(p[4]));
      }
      if (!jwe.isObject()) {
        throw failure("the encrypted password must be a JWE object or string");
      }
      String prot = jwe.path("protected").asText("");
      ObjectNode header = prot.isEmpty() ? JSON.createObjectNode() : decodeHeader(prot);
      merge(header, jwe.path("unprotected"));
      JsonNode recipient = jwe.has("recipients") ? jwe.path("recipients").path(0) : jwe;
      merge(header, recipient.path("header"));
      return new Parts(
          prot,
          header,
          jwe.path("aad").asText(""),
          bytes(text(jwe, "iv")),
          bytes(text(jwe, "ciphertext")),
          bytes(text(jwe, "tag")));
    }

    byte[] aad() {
      String aad = aadB64.isEmpty() ? protectedB64 : protectedB64 + "." + aadB64;
      return aad.getBytes(StandardCharsets.US_ASCII);
    }

    private static ObjectNode decodeHeader(String b64) {
      try {
        JsonNode node = JSON.readTree(B64URL.decode(b64));
        if (!node.isObject()) {
          throw failure("the JWE protected header is not a JSON object");
        }
        return (ObjectNode) node;
      } catch (java.io.IOException e) {
        throw failure("the JWE protected header is not JSON");
      }
    }

    private static void merge(ObjectNode into, JsonNode from) {
      if (from.isObject()) {
        for (Map.Entry<String, JsonNode> e : from.properties()) {
          into.set(e.getKey(), e.getValue());
        }
      }
    }

    private static byte[] bytes(String b64) {
      return B64URL.decode(b64);
    }
  }
}
