package startos.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkPiecesTest {
  @TempDir Path tmp;

  @Test
  void subnetParsesTheBridgeAddressAndKnowsItsHosts() {
    Subnet s = Subnet.parse("10.209.0.1/24");

    assertThat(s.networkCidr()).isEqualTo("10.209.0.0/24");
    assertThat(s.broadcast().getHostAddress()).isEqualTo("10.209.0.255");
    assertThat(s.host(7).getHostAddress()).isEqualTo("10.209.0.7");
    assertThat(s.lastHost()).isEqualTo(254);
    assertThatThrownBy(() -> Subnet.parse("10.209.0.0/24")).hasMessageContaining("network");
    assertThatThrownBy(() -> Subnet.parse("10.300.0.1/24")).hasMessageContaining("above 255");
    assertThatThrownBy(() -> Subnet.parse("startbr0")).hasMessageContaining("like 10.0.3.1/24");
  }

  @Test
  void addressesAreStablePerIdAndSurviveARestartOfTheDaemon() {
    Path file = tmp.resolve("addresses.properties");
    AddressBook book = new AddressBook(file, Subnet.parse("10.209.0.1/24"));
    var a = book.allocate("alpha");
    var b = book.allocate("beta");

    AddressBook reloaded = new AddressBook(file, Subnet.parse("10.209.0.1/24"));

    assertThat(a.getHostAddress()).isEqualTo("10.209.0.2");
    assertThat(b.getHostAddress()).isEqualTo("10.209.0.3");
    assertThat(reloaded.allocate("beta")).isEqualTo(b);
    assertThat(reloaded.lookup("alpha")).contains(a);
    reloaded.release("alpha");
    assertThat(reloaded.allocate("gamma")).as("a released address is reused").isEqualTo(a);
  }

  @Test
  void aFullSubnetFailsWithAClearMessage() {
    AddressBook book = new AddressBook(tmp.resolve("a.properties"), Subnet.parse("10.0.0.1/29"));
    for (int i = 0; i < 5; i++) {
      book.allocate("s" + i);
    }

    assertThatThrownBy(() -> book.allocate("one-more"))
        .hasMessage("no free address left in 10.0.0.0/29 for container one-more");
  }

  @Test
  void aCorruptAddressFileIsReportedNotSilentlyReset() throws Exception {
    Path file = Files.writeString(tmp.resolve("a.properties"), "alpha=999\n");

    assertThatThrownBy(() -> new AddressBook(file, Subnet.parse("10.209.0.1/24")))
        .hasMessageContaining("gives alpha the host number '999'");
  }

  @Test
  void macIsDerivedFromTheAddressSoARestartedContainerKeepsIt() {
    var ip = Subnet.parse("10.209.0.1/24").host(42);

    assertThat(AddressBook.macFor(ip)).isEqualTo("02:53:0a:d1:00:2a");
    assertThat(HostNetwork.vethName(ip)).isEqualTo("vst0ad1002a").hasSizeLessThan(16);
  }

  @Test
  void natScriptForwardsOnlyNonLoopbackHostAddressesAndGuardsLoopbackFromTheBridge() {
    Subnet s = Subnet.parse("10.209.0.1/24");
    ProcessRunner none =
        (List<String> command, String stdin, Duration timeout) -> {
          throw new AssertionError("no command expected");
        };
    String script =
        new NatTable(none, "startos", "startbr0", s)
            .script(List.of(new PortForward(Protocol.UDP, 5353, s.host(2), 53)));

    assertThat(script)
        .startsWith("table ip startos\ndelete table ip startos\ntable ip startos {\n")
        .contains(
            "iifname != \"lo\" ip daddr != 127.0.0.0/8 fib daddr type local udp dport 5353"
                + " dnat to 10.209.0.2:53")
        .contains("ip saddr 10.209.0.0/24 ip daddr != 10.209.0.0/24 masquerade")
        .doesNotContain("ip saddr 127.0.0.0/8 ip daddr 10.209.0.0/24 masquerade")
        .contains("type nat hook output priority -100;")
        .contains("iifname \"startbr0\" ip daddr 127.0.0.0/8 drop");
  }

  @Test
  void mountinfoEscapesAreDecoded() throws Exception {
    Path info =
        Files.writeString(
            tmp.resolve("mountinfo"),
            "36 35 98:0 / /mnt/my\\040disk rw,noatime master:1 - ext3 /dev/root rw\n");

    assertThat(new MountTable(info).under(Path.of("/mnt")))
        .containsExactly(Path.of("/mnt/my disk"));
  }
}
