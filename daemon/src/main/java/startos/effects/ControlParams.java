package startos.effects;

import static startos.effects.EffectParams.required;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import startos.model.HealthCheckResult;
import startos.rpc.ProtocolException;

/**
 * Params of the status, lifecycle, notification, subcontainer, mount and version effects, named and
 * shaped as the SDK's types ({@code T.SetHealth}, {@code T.SetMainStatus}, {@code
 * T.CreateNotificationParams}, {@code T.MountParams}, the {@code Effects} options). All of it comes
 * from the package (untrusted) and is checked here, before the effect runs.
 */
final class ControlParams {
  private ControlParams() {}

  /**
   * The options of a watchable read ({@code getStatus}, {@code getContainerIp}, {@code
   * getOutboundGateway}, {@code getSystemSmtp}, {@code listServiceInterfaces}): another package's
   * id, and the callback to fire when the value read changes.
   */
  record Read(Optional<String> packageId, Optional<Long> callback) {
    Read {
      packageId.ifPresent(id -> ControlEffects.checkId(id, "packageId"));
    }

    /** The package read: the one named, else the caller. */
    String target(EffectCall c) {
      return packageId.orElse(c.packageId());
    }
  }

  /** {@code getServiceManifest({packageId, callback?})}. */
  record ManifestRead(String packageId, Optional<Long> callback) {
    ManifestRead {
      ControlEffects.checkId(required(packageId, "packageId", "a string"), "packageId");
    }
  }

  /**
   * {@code T.SetHealth}: {@code loading} and {@code failure} carry a message. The result word is
   * decoded into the model's {@link HealthCheckResult.Result}: an unknown word is refused with the
   * words StartOS knows.
   */
  record SetHealth(
      String id, String name, HealthCheckResult.Result result, Optional<String> message) {
    SetHealth {
      ControlEffects.checkId(required(id, "id", "a string"), "id");
      EffectLimits.requireText(required(name, "name", "a string"), "the health check name");
      required(result, "result", "a health check result");
      if ((result == HealthCheckResult.Result.FAILURE || result == HealthCheckResult.Result.LOADING)
          && message.isEmpty()) {
        throw ProtocolException.invalidParams(
            "a '" + EffectParams.wireName(result) + "' health result needs a message");
      }
      message.ifPresent(m -> EffectLimits.requireText(m, "the health check message"));
    }
  }

  /** {@code T.SetMainStatusStatus}. */
  enum MainStatus {
    @JsonProperty("running")
    RUNNING,
    @JsonProperty("stopped")
    STOPPED
  }

  /** {@code T.SetMainStatus}. */
  record SetMainStatus(MainStatus status) {
    SetMainStatus {
      required(status, "status", "\"running\" or \"stopped\"");
    }
  }

  /** {@code setInitProgress({progress})}: stored for the UI, so bounded in size. */
  record InitProgress(JsonNode progress) {
    InitProgress {
      // JSON null is a Progress ("no progress reported"); only an absent field is refused
      required(progress, "progress", "a JSON value");
      EffectLimits.requireStorable(progress, "the init progress");
    }
  }

  /** {@code T.NotificationLevel}. */
  enum NotificationLevel {
    @JsonProperty("success")
    SUCCESS,
    @JsonProperty("info")
    INFO,
    @JsonProperty("warning")
    WARNING,
    @JsonProperty("error")
    ERROR;

    String wire() {
      return EffectParams.wireName(this);
    }
  }

  /**
   * {@code T.CreateNotificationParams}. {@code message} may be absent (older SDKs) and reads as
   * empty; {@code data} is kept as sent, bounded in size.
   */
  record CreateNotificationParams(
      NotificationLevel level, String title, Optional<String> message, Optional<JsonNode> data) {
    CreateNotificationParams {
      required(level, "level", "a notification level");
      required(title, "title", "a string");
      if (title.isBlank()) {
        throw ProtocolException.invalidParams("a notification needs a non-empty 'title'");
      }
      EffectLimits.requireText(title, "the notification title");
      message.ifPresent(m -> EffectLimits.requireText(m, "the notification message"));
      data = EffectParams.nonNull(data);
      data.ifPresent(d -> EffectLimits.requireStorable(d, "the notification data"));
    }
  }

  /** {@code subcontainer.createFs({imageId, name})}. */
  record CreateFs(String imageId, Optional<String> name) {
    CreateFs {
      ControlEffects.checkId(required(imageId, "imageId", "a string"), "imageId");
    }
  }

  /** {@code subcontainer.destroyFs({guid})}. */
  record DestroyFs(String guid) {
    DestroyFs {
      required(guid, "guid", "a string");
      if (!guid.matches("[A-Za-z0-9]{1,64}")) {
        throw ProtocolException.invalidParams(
            "parameter 'guid' is not a subcontainer guid: " + guid);
      }
    }
  }

  /**
   * {@code T.MountTarget}; read-only unless {@code readonly} is false. {@code idmap} is not read:
   * every mount is shifted into the package's own id range.
   */
  record MountTarget(
      String packageId, String volumeId, Optional<String> subpath, Optional<Boolean> readonly) {
    MountTarget {
      ControlEffects.checkId(required(packageId, "packageId", "a string"), "target.packageId");
      ControlEffects.checkId(required(volumeId, "volumeId", "a string"), "target.volumeId");
    }

    boolean readOnly() {
      return readonly.orElse(true);
    }
  }

  /** {@code T.MountParams}. */
  record MountParams(String location, MountTarget target) {
    MountParams {
      required(location, "location", "a string");
      required(target, "target", "an object");
    }
  }

  /** {@code setDataVersion({version})}: null forgets the version. */
  record SetDataVersion(Optional<String> version) {}

  /** {@code clearCallbacks({only} | {except})}. */
  record ClearCallbacks(Optional<List<Long>> only, Optional<List<Long>> except) {
    ClearCallbacks {
      if (only.isEmpty() && except.isEmpty()) {
        throw ProtocolException.invalidParams("clear-callbacks needs 'only' or 'except'");
      }
      for (Long id : only.or(() -> except).orElse(List.of())) {
        if (id == null) {
          throw ProtocolException.invalidParams("callback ids must be integers, got null");
        }
      }
    }

    boolean dropsListed() {
      return only.isPresent();
    }

    List<Long> ids() {
      return only.or(() -> except).orElse(List.of());
    }
  }
}
