package startos.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import startos.ssl.Keys;

/** A JWE sender as the setup wizard is: ECDH-ES, A128CBC-HS256, flattened JSON. */
public final class TestJwe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TestJwe() {}

  public static ObjectNode encrypt(JsonNode jwk, String plaintext) throws Exception {
    return encrypt(jwk, plaintext, false);
  }

  /**
   * With {@code general}, the general JSON serialization node-jose defaults to: only {@code enc}
   * protected, {@code alg} and {@code epk} in the recipient's unprotected header.
   */
  public static ObjectNode encrypt(JsonNode jwk, String plaintext, boolean general)
      throws Exception {
    ECPublicKey ephemeralPublic;
    KeyPair ephemeral = Keys.p256();
    ephemeralPublic = (ECPublicKey) ephemeral.getPublic();
    ECPublicKey recipient =
        (ECPublicKey)
            KeyFactory.getInstance("EC")
                .generatePublic(
                    new ECPublicKeySpec(
                        new ECPoint(
                            new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("x").asText())),
                            new BigInteger(
                                1, Base64.getUrlDecoder().decode(jwk.get("y").asText()))),
                        ephemeralPublic.getParams()));
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(ephemeral.getPrivate());
    agreement.doPhase(recipient, true);
    byte[] cek =
        SetupEncryption.concatKdf(
            agreement.generateSecret(),
            32,
            "A128CBC-HS256".getBytes(StandardCharsets.US_ASCII),
            new byte[0],
            new byte[0]);

    ObjectNode header = JSON.createObjectNode().put("alg", "ECDH-ES").put("enc", "A128CBC-HS256");
    ObjectNode epk = header.putObject("epk").put("kty", "EC").put("crv", "P-256");
    epk.put("x", B64.encodeToString(fixed(ephemeralPublic.getW().getAffineX())));
    epk.put("y", B64.encodeToString(fixed(ephemeralPublic.getW().getAffineY())));
    ObjectNode recipientHeader = JSON.createObjectNode();
    if (general) {
      recipientHeader.set("alg", header.remove("alg"));
      recipientHeader.set("epk", header.remove("epk"));
    }
    String protectedB64 = B64.encodeToString(JSON.writeValueAsBytes(header));

    byte[] iv = new byte[16];
    new SecureRandom().nextBytes(iv);
    Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
    aes.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(Arrays.copyOfRange(cek, 16, 32), "AES"),
        new IvParameterSpec(iv));
    byte[] ciphertext = aes.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Arrays.copyOfRange(cek, 0, 16), "HmacSHA256"));
    byte[] aad = protectedB64.getBytes(StandardCharsets.US_ASCII);
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(ByteBuffer.allocate(8).putLong(aad.length * 8L).array());
    byte[] tag = Arrays.copyOf(mac.doFinal(), 16);

    ObjectNode jwe = JSON.createObjectNode();
    jwe.put("protected", protectedB64);
    jwe.put("iv", B64.encodeToString(iv));
    jwe.put("ciphertext", B64.encodeToString(ciphertext));
    jwe.put("tag", B64.encodeToString(tag));
    if (general) {
      jwe.putArray("recipients").addObject().set("header", recipientHeader);
    }
    return jwe;
  }

  private static byte[] fixed(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }
}
