package startos.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a string to a P-256 JWK as a flattened-JSON JWE (ECDH-ES + A128CBC-HS256, RFC 7518), the
 * way the StartOS UI encrypts passwords; written from the RFC for the tests.
 */
final class JweSealer {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

  private JweSealer() {}

  static ObjectNode seal(JsonNode jwk, String plaintext) throws Exception {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    PublicKey recipient =
        KeyFactory.getInstance("EC")
            .generatePublic(
                new ECPublicKeySpec(
                    new ECPoint(
                        new BigInteger(1, UNB64.decode(jwk.get("x").asText())),
                        new BigInteger(1, UNB64.decode(jwk.get("y").asText()))),
                    spec));
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ephemeral = generator.generateKeyPair();
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(ephemeral.getPrivate());
    agreement.doPhase(recipient, true);
    byte[] z = agreement.generateSecret();

    String enc = "A128CBC-HS256";
    ByteArrayOutputStream other = new ByteArrayOutputStream();
    lengthPrefixed(other, enc.getBytes(StandardCharsets.US_ASCII));
    lengthPrefixed(other, new byte[0]);
    lengthPrefixed(other, new byte[0]);
    other.write(ByteBuffer.allocate(4).putInt(256).array());
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(new byte[] {0, 0, 0, 1});
    sha.update(z);
    sha.update(other.toByteArray());
    byte[] cek = sha.digest();

    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode().put("alg", "ECDH-ES").put("enc", enc);
    ECPoint w = ((ECPublicKey) ephemeral.getPublic()).getW();
    header
        .putObject("epk")
        .put("kty", "EC")
        .put("crv", "P-256")
        .put("x", B64.encodeToString(fixed(w.getAffineX())))
        .put("y", B64.encodeToString(fixed(w.getAffineY())));
    String protectedHeader = B64.encodeToString(json.writeValueAsBytes(header));
    byte[] aad = protectedHeader.getBytes(StandardCharsets.US_ASCII);

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
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(ByteBuffer.allocate(8).putLong((long) aad.length * 8).array());
    byte[] tag = Arrays.copyOf(mac.doFinal(), 16);

    return json.createObjectNode()
        .put("protected", protectedHeader)
        .put("iv", B64.encodeToString(iv))
        .put("ciphertext", B64.encodeToString(ciphertext))
        .put("tag", B64.encodeToString(tag));
  }

  private static void lengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }

  private static byte[] fixed(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }
}
