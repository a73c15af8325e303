package startos.model;

import java.util.Map;

/**
 * One internal port of a host ({@code T.BindInfo}): how the package asked to expose it, the
 * external ports it got, its addresses, and the service interfaces exported on it.
 */
public record BindInfo(
    boolean enabled,
    BindOptions options,
    NetInfo net,
    DerivedAddressInfo addresses,
    Map<String, ServiceInterface> interfaces) {

  public BindInfo {
    addresses = addresses == null ? DerivedAddressInfo.NONE : addresses;
    interfaces = ModelJson.map(interfaces);
  }

  public BindInfo withEnabled(boolean v) {
    return new BindInfo(v, options, net, addresses, interfaces);
  }

  public BindInfo withOptions(BindOptions v) {
    return new BindInfo(enabled, v, net, addresses, interfaces);
  }

  public BindInfo withNet(NetInfo v) {
    return new BindInfo(enabled, options, v, addresses, interfaces);
  }

  public BindInfo withInterfaces(Map<String, ServiceInterface> v) {
    return new BindInfo(enabled, options, net, addresses, v);
  }
}
