package startos.setup;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What setup produced, as the wizard shows it ({@code SetupResult} in StartOS).
 *
 * @param hostname the LAN hostname, reachable as {@code <hostname>.local}
 * @param rootCa the root CA certificate in PEM, for the user to trust
 * @param needsRestart always false here: nothing is installed to disk that needs a reboot
 */
public record SetupResult(String hostname, String rootCa, boolean needsRestart) {
  public SetupResult {
    Hostnames.validate(hostname);
    if (!rootCa.startsWith("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException("rootCa must be a PEM certificate");
    }
  }

  ObjectNode toJson() {
    ObjectNode out = InitialDb.JSON.createObjectNode();
    out.put("hostname", hostname);
    out.put("rootCa", rootCa);
    out.put("needsRestart", needsRestart);
    return out;
  }
}
