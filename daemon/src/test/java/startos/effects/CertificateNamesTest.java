package startos.effects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import startos.model.Host;
import startos.model.ModelJson;
import startos.rpc.ErrorKind;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;

/** Which names one package may get a certificate for, and how foreign ones are refused. */
class CertificateNamesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OWN = "kettle";
  private static final String OTHER = "hello-world";
  private static final Map<String, String> CONTAINER_IPS =
      Map.of(OWN, "10.0.3.5", OTHER, "10.0.3.9");
  private static final CertificateNames.Server SERVER =
      new CertificateNames.Server(
          "brave-otter", "10.0.3.1", Set.of("192.168.1.7", "fd00:0:0:0:0:0:0:7"));

  private final ObjectNode packageData = JSON.createObjectNode();

  CertificateNamesTest() {
    ObjectNode own = packageData.putObject(OWN).putObject("hosts").putObject("ui");
    own.putObject("privateDomains").putArray("kettle.home");
    own.putObject("publicDomains").putObject("kettle.example.org");
    own.putObject("bindings");
    ObjectNode other = packageData.putObject(OTHER).putObject("hosts").putObject("main");
    other.putObject("privateDomains").putArray("hello.home");
    ObjectNode otherBinding = other.putObject("bindings").putObject("80");
    otherBinding.putObject("net").put("assignedPort", 49153).putNull("assignedSslPort");
    otherBinding
        .putObject("addresses")
        .putArray("available")
        .addObject()
        .put("hostname", "helloonionaddress.onion");
  }

  private CertificateNames names() {
    Map<String, Map<String, Host>> hosts = new LinkedHashMap<>();
    packageData
        .properties()
        .forEach(e -> {
          Map<String, Host> byId = new LinkedHashMap<>();
          e.getValue()
              .path("hosts")
              .properties()
              .forEach(h -> byId.put(h.getKey(), ModelJson.decode(h.getValue(), Host.class)));
          hosts.put(e.getKey(), byId);
        });
    return CertificateNames.of(
        OWN, hosts, SERVER, id -> Optional.ofNullable(CONTAINER_IPS.get(id)));
  }

  private void bindAPort() {
    ObjectNode net =
        ((ObjectNode) packageData.at("/" + OWN + "/hosts/ui/bindings"))
            .putObject("8080")
            .putObject("net");
    net.put("assignedPort", 49152);
    net.putNull("assignedSslPort");
  }

  private static String refusal(CertificateNames names, String name) {
    RpcException e =
        (RpcException)
            org.assertj.core.api.Assertions.catchThrowable(() -> names.check(List.of(name)));
    assertThat(e).as(name).isNotNull();
    assertThat(e.kind()).as(name).isEqualTo(ErrorKind.NOT_FOUND);
    return e.getMessage();
  }

  @Test
  void thePackagesOwnNamesAreSignedInOneSpelling() {
    List<String> own =
        List.of(
            "kettle.startos",
            "Kettle.Embassy",
            "10.0.3.5",
            "kettle.home",
            "KETTLE.example.org",
            "::ffff:10.0.3.5",
            "kettle.startos");
    assertThat(names().check(own))
        .containsExactly(
            "kettle.startos", "kettle.embassy", "10.0.3.5", "kettle.home", "kettle.example.org");
  }

  @Test
  void anotherPackagesNamesAreRefusedNamingTheirOwner() {
    CertificateNames names = names();
    for (String theirs :
        List.of(
            "hello-world.startos",
            "HELLO-WORLD.startos",
            "hello-world.embassy",
            "10.0.3.9",
            "hello.home",
            "helloonionaddress.onion")) {
      assertThat(refusal(names, theirs))
          .isEqualTo(
              "unknown hostname: "
                  + theirs
                  + " is a name of the package hello-world, not of kettle: a package gets"
                  + " certificates only for its own names");
    }
  }

  @Test
  void theServersLanNamesComeOnlyWithABoundPort() {
    List<String> lan =
        List.of("brave-otter.local", "192.168.1.7", "FD00::7", "10.0.3.1", "127.0.0.1", "::1");
    for (String name : lan) {
      assertThat(refusal(names(), name))
          .isEqualTo(
              "unknown hostname: "
                  + name
                  + " is an address of the server that kettle is served on only once it binds a"
                  + " port, and it has bound none");
    }
    bindAPort();
    assertThat(names().check(lan))
        .containsExactly(
            "brave-otter.local",
            "192.168.1.7",
            "fd00:0:0:0:0:0:0:7",
            "10.0.3.1",
            "127.0.0.1",
            "0:0:0:0:0:0:0:1");
  }

  @Test
  void namesNoOneIsServedOnAreRefusedEvenWithABoundPort() {
    bindAPort();
    CertificateNames names = names();
    for (String nobodys :
        List.of("localhost", "google.com", "8.8.8.8", "10.0.3.77", "startd.example.org")) {
      assertThat(refusal(names, nobodys))
          .startsWith("unknown hostname: " + nobodys + " is not one of kettle's names");
    }
    // one foreign name refuses the whole request
    assertThatThrownBy(() -> names.check(List.of("kettle.startos", "google.com")))
        .hasMessageContaining("google.com");
  }

  @Test
  void lookAlikeSpellingsAreRefusedNotFolded() {
    CertificateNames names = names();
    // U+212A KELVIN SIGN lower-cases to 'k' under Unicode rules; U+0435 is a Cyrillic 'e'
    for (String trick :
        List.of(
            "\u212Aettle.startos",
            "k\u0435ttle.startos",
            "kettle.startos.",
            "*.kettle.home",
            "kettle..startos",
            " kettle.startos",
            "010.0.3.5",
            "10.0.3.5.",
            "10.0.3.256",
            "fe80::1%eth0",
            "")) {
      assertThatThrownBy(() -> names.check(List.of(trick)))
          .as(trick)
          .isInstanceOf(ProtocolException.class)
          .hasMessageStartingWith("'" + trick + "' is not a hostname or IP address: ");
    }
    // the punycode spelling is a different name, and not this package's
    assertThat(refusal(names, "xn--kettle-9ya.startos")).contains("is not one of kettle's names");
    assertThatThrownBy(() -> names.check(List.of("k\u0435ttle.startos")))
        .hasMessageContaining("xn-- form");
    assertThatThrownBy(() -> names.check(List.of("kettle.startos.")))
        .hasMessageEndingWith("it ends with a dot; give the name without it");
  }
}
