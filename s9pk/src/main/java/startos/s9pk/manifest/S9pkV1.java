package startos.s9pk.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519phSigner;
import startos.s9pk.merkle.ByteSource;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkException;
import startos.s9pk.merkle.VerifyingKey;

/**
 * A legacy (StartOS 0.3) version 1 s9pk, read only to convert it: magic {@code 3b 3b 01}, key,
 * Ed25519ph signature over everything after the table of contents, and labelled sections (manifest
 * as CBOR, license, instructions, icon, docker_images, assets, scripts).
 */
public final class S9pkV1 implements AutoCloseable {
  private static final byte[] MAGIC = {0x3b, 0x3b, 0x01};
  static final List<String> REQUIRED =
      List.of("manifest", "license", "instructions", "icon", "docker_images", "assets");

  private record Section(long position, long length) {}

  private final ByteSource source;
  private final boolean owns;
  private final VerifyingKey signer;
  private final Map<String, Section> sections;

  private S9pkV1(ByteSource source, boolean owns, VerifyingKey signer, Map<String, Section> s) {
    this.source = source;
    this.owns = owns;
    this.signer = signer;
    this.sections = Collections.unmodifiableMap(s);
  }

  public static S9pkV1 open(Path file) {
    ByteSource source = ByteSource.open(file);
    try {
      return read(source, true);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /** Reads and verifies the signature; the caller keeps ownership of {@code source}. */
  public static S9pkV1 open(ByteSource source) {
    return read(source, false);
  }

  private static S9pkV1 read(ByteSource source, boolean owns) {
    int fixed = 3 + 32 + 64 + 4;
    ByteBuffer head = ByteBuffer.wrap(source.readFully(0, fixed, "v1 header"));
    byte[] magic = new byte[3];
    head.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new S9pkException("not a version 1 s9pk: the file does not start with 3b 3b 01");
    }
    byte[] pubkey = new byte[32];
    byte[] signature = new byte[64];
    head.get(pubkey).get(signature);
    long tocLen = Integer.toUnsignedLong(head.getInt());
    if (tocLen > 64 * 1024) {
      throw new S9pkException("v1 table of contents of " + tocLen + " bytes is implausibly large");
    }
    ByteBuffer toc = ByteBuffer.wrap(source.readFully(fixed, (int) tocLen, "v1 table of contents"));
    Map<String, Section> sections = new LinkedHashMap<>();
    long bodyStart = fixed + tocLen;
    while (toc.hasRemaining()) {
      int labelLen = toc.get() & 0xff;
      if (toc.remaining() < labelLen + 16) {
        throw new S9pkException("v1 table of contents ends inside an entry");
      }
      byte[] label = new byte[labelLen];
      toc.get(label);
      long position = toc.getLong();
      long length = toc.getLong();
      String name = new String(label, StandardCharsets.UTF_8);
      if (position < 0
          || length < 0
          || position > source.size()
          || length > source.size() - position) {
        throw new S9pkException("v1 section " + name + " points outside the archive");
      }
      sections.put(name, new Section(position, length));
    }
    for (String label : REQUIRED) {
      if (!sections.containsKey(label)) {
        throw new S9pkException("v1 archive lacks the required section " + label);
      }
    }
    VerifyingKey signer = VerifyingKey.of(pubkey);
    verify(source, bodyStart, signer, signature);
    return new S9pkV1(source, owns, signer, sections);
  }

  private static void verify(ByteSource source, long from, VerifyingKey key, byte[] signature) {
    Ed25519PublicKeyParameters params;
    try {
      params = new Ed25519PublicKeyParameters(key.bytes(), 0);
    } catch (IllegalArgumentException e) {
      throw new S9pkException("v1 signature verification failed: invalid public key", e);
    }
    Ed25519phSigner verifier =
        new Ed25519phSigner(S9pkArchive.SIGNATURE_CONTEXT.getBytes(StandardCharsets.UTF_8));
    verifier.init(false, params);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    long pos = from;
    while (true) {
      buf.clear();
      int n = source.read(pos, buf);
      if (n <= 0) {
        break;
      }
      verifier.update(buf.array(), 0, n);
      pos += n;
    }
    if (!verifier.verifySignature(signature)) {
      throw new S9pkException("v1 signature verification failed");
    }
  }

  public VerifyingKey signer() {
    return signer;
  }

  /** Section labels in table order. */
  public List<String> labels() {
    return List.copyOf(sections.keySet());
  }

  /** A section's bytes (e.g. {@code license}); empty when absent or zero-length. */
  public Optional<ByteSource> section(String label) {
    Section s = sections.get(label);
    if (s == null || s.length() == 0) {
      return Optional.empty();
    }
    return Optional.of(source.slice(s.position(), s.length()));
  }

  byte[] bytes(String label) {
    Section s = sections.get(label);
    if (s == null) {
      return new byte[0];
    }
    if (s.length() > 64L << 20) {
      throw new S9pkException("v1 section " + label + " is too large to load");
    }
    return source.readFully(s.position(), (int) s.length(), "v1 section " + label);
  }

  /** The v1 manifest (CBOR) as JSON, kebab-case field names as written. */
  public JsonNode manifest() {
    try {
      JsonNode node = new CBORMapper().readTree(bytes("manifest"));
      if (node == null || !node.isObject()) {
        throw new S9pkException("v1 manifest is not a CBOR map");
      }
      return node;
    } catch (IOException e) {
      throw new S9pkException("v1 manifest is not valid CBOR: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (owns) {
      source.close();
    }
  }
}
