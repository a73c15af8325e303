package startos.effects;

import static startos.effects.EffectParams.required;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import startos.model.AddSslOptions;
import startos.model.BindOptions;
import startos.model.ModelException;
import startos.model.ModelJson;
import startos.model.ServiceInterface;
import startos.rpc.ProtocolException;

/**
 * Params of the binding and interface effects, named and shaped as the SDK's types ({@code
 * T.BindParams}, {@code T.ExportServiceInterfaceParams}, {@code T.AddressInfo}, the {@code Effects}
 * options). From the package (untrusted): ids and ports are checked here.
 */
final class NetParams {
  private NetParams() {}

  /** A TCP port 1-65535. */
  static int port(Integer port, String name) {
    required(port, name, "a port");
    if (port < 1 || port > 65535) {
      throw ProtocolException.invalidParams(
          "parameter '" + name + "' must be a port 1-65535, got " + port);
    }
    return port;
  }

  /**
   * {@code T.BindParams}. {@code addSsl} and {@code secure} are read into StartOS's {@link
   * AddSslOptions} and {@link BindOptions.Security}: what else the SDK sends ({@code scheme}) is
   * dropped, as StartOS drops it.
   */
  record BindParams(
      String id,
      Integer internalPort,
      Integer preferredExternalPort,
      Optional<JsonNode> addSsl,
      Optional<JsonNode> secure) {
    BindParams {
      ControlEffects.checkId(required(id, "id", "a string"), "id");
      port(internalPort, "internalPort");
      port(preferredExternalPort, "preferredExternalPort");
      addSsl = EffectParams.nonNull(addSsl);
      secure = EffectParams.nonNull(secure);
      if (addSsl.isPresent() && !addSsl.get().isObject()) {
        throw ProtocolException.invalidParams("parameter 'addSsl' must be an object or null");
      }
      // required in StartOS's AddSslOptions: a binding without it is refused there too
      addSsl.ifPresent(ssl -> {
        JsonNode v = ssl.path("preferredExternalPort");
        port(
            v.canConvertToInt() ? Integer.valueOf(v.asInt()) : null,
            "addSsl.preferredExternalPort");
      });
      if (secure.isPresent() && !secure.get().isObject()) {
        throw ProtocolException.invalidParams("parameter 'secure' must be an object or null");
      }
      addSsl.ifPresent(ssl -> lenient(ssl, AddSslOptions.class, "addSsl"));
      secure.ifPresent(s -> lenient(s, BindOptions.Security.class, "secure"));
    }

    Optional<AddSslOptions> sslOptions() {
      return addSsl.map(ssl -> lenient(ssl, AddSslOptions.class, "addSsl"));
    }

    Optional<BindOptions.Security> securityOptions() {
      return secure.map(s -> lenient(s, BindOptions.Security.class, "secure"));
    }
  }

  /**
   * {@code json} read as the model reads it (StartOS's fields only, the rest dropped); a value of
   * the wrong type in one of them is refused naming the parameter.
   */
  private static <T> T lenient(JsonNode json, Class<T> type, String name) {
    try {
      return ModelJson.decode(json, type);
    } catch (ModelException e) {
      throw ProtocolException.invalidParams(
          "parameter '"
              + name
              + "' is not StartOS's "
              + type.getSimpleName()
              + ": "
              + (e.getCause() instanceof JsonProcessingException j
                  ? j.getOriginalMessage()
                  : e.getMessage()));
    }
  }

  /** One entry of {@code clearBindings({except})}. */
  record BindingId(String id, Integer internalPort) {
    BindingId {
      required(id, "id", "a string");
      required(internalPort, "internalPort", "a port");
    }
  }

  /** {@code clearBindings({except: {id, internalPort}[]})}. */
  record ClearBindings(List<BindingId> except) {
    ClearBindings {
      required(except, "except", "an array");
      if (except.contains(null)) {
        throw ProtocolException.invalidParams(
            "every entry of 'except' must be {id: hostId, internalPort: number}, got null");
      }
      except = List.copyOf(except);
    }
  }

  /** {@code getServicePortForward({packageId?, hostId, internalPort})}. */
  record GetServicePortForward(Optional<String> packageId, String hostId, Integer internalPort) {
    GetServicePortForward {
      packageId.ifPresent(id -> ControlEffects.checkId(id, "packageId"));
      ControlEffects.checkId(required(hostId, "hostId", "a string"), "hostId");
      port(internalPort, "internalPort");
    }

    String target(EffectCall c) {
      return packageId.orElse(c.packageId());
    }
  }

  /** {@code getHostInfo({packageId?, hostId, callback?})}. */
  record GetHostInfo(Optional<String> packageId, String hostId, Optional<Long> callback) {
    GetHostInfo {
      packageId.ifPresent(id -> ControlEffects.checkId(id, "packageId"));
      ControlEffects.checkId(required(hostId, "hostId", "a string"), "hostId");
    }

    String target(EffectCall c) {
      return packageId.orElse(c.packageId());
    }
  }

  /** {@code getServiceInterface({packageId?, serviceInterfaceId, callback?})}. */
  record GetServiceInterface(
      Optional<String> packageId, String serviceInterfaceId, Optional<Long> callback) {
    GetServiceInterface {
      packageId.ifPresent(id -> ControlEffects.checkId(id, "packageId"));
      required(serviceInterfaceId, "serviceInterfaceId", "a string");
    }

    String target(EffectCall c) {
      return packageId.orElse(c.packageId());
    }
  }

  /** {@code clearServiceInterfaces({except})}. */
  record ClearServiceInterfaces(List<String> except) {
    ClearServiceInterfaces {
      except = List.copyOf(required(except, "except", "an array"));
    }
  }

  /** {@code T.ServiceInterfaceType}. */
  enum ServiceInterfaceType {
    @JsonProperty("ui")
    UI,
    @JsonProperty("p2p")
    P2P,
    @JsonProperty("api")
    API
  }

  /**
   * {@code T.AddressInfo}; {@code addressInfo.hostId} and {@code .internalPort} name the binding
   * the interface is exported on. The rest is recorded for the UI.
   */
  record AddressInfo(
      Optional<String> username,
      String hostId,
      Integer internalPort,
      Optional<String> scheme,
      Optional<String> sslScheme,
      Optional<String> suffix) {
    AddressInfo {
      username = username == null ? Optional.empty() : username;
      ControlEffects.checkId(required(hostId, "hostId", "a string"), "addressInfo.hostId");
      port(internalPort, "addressInfo.internalPort");
      scheme = scheme == null ? Optional.empty() : scheme;
      sslScheme = sslScheme == null ? Optional.empty() : sslScheme;
      suffix = suffix == null ? Optional.empty() : suffix;
    }

    ServiceInterface.AddressInfo toModel() {
      return new ServiceInterface.AddressInfo(
          username, hostId, internalPort, scheme, sslScheme, suffix.orElse(""));
    }
  }

  /** {@code T.ExportServiceInterfaceParams}. */
  record ExportServiceInterfaceParams(
      String id,
      String name,
      Optional<String> description,
      Optional<Boolean> masked,
      AddressInfo addressInfo,
      ServiceInterfaceType type) {
    ExportServiceInterfaceParams {
      ControlEffects.checkId(required(id, "id", "a string"), "id");
      required(name, "name", "a string");
      required(addressInfo, "addressInfo", "an object");
      required(type, "type", "\"ui\", \"api\" or \"p2p\"");
    }

    ServiceInterface.AddressInfo fullAddressInfo() {
      return addressInfo.toModel();
    }
  }
}
