package startos.effects;

import static startos.effects.EffectParams.orEmpty;
import static startos.effects.EffectParams.required;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import startos.model.Task;
import startos.rpc.ProtocolException;

/**
 * Params of the {@code action.*} effects, named and shaped as the SDK's types ({@code
 * T.CreateTaskParams}, the {@code Effects.action} options). Decoded by {@link EffectParams}; all of
 * it comes from the package (untrusted).
 */
final class ActionParams {
  private ActionParams() {}

  /** {@code action.export}: {@code {id: ActionId, metadata: ActionMetadata}}. */
  record ExportAction(String id, JsonNode metadata) {
    ExportAction {
      ControlEffects.checkId(required(id, "id", "a string"), "id");
      required(metadata, "metadata", "an ActionMetadata object");
      // kept as sent: the UI reads it, startd only needs it to be an ActionMetadata with a name
      if (!metadata.isObject() || !metadata.path("name").isTextual()) {
        throw ProtocolException.invalidParams(
            "parameter 'metadata' must be an ActionMetadata object with a 'name'");
      }
      EffectLimits.requireStorable(metadata, "the metadata of action " + id);
    }
  }

  /** {@code action.clear}: {@code {except: ActionId[]}}. */
  record ClearActions(List<String> except) {
    ClearActions {
      except = List.copyOf(required(except, "except", "an array"));
    }
  }

  /**
   * {@code action.get-input}: {@code {packageId?, actionId, prefill?}} ({@code
   * T.GetActionInputParams}).
   */
  record GetActionInput(Optional<String> packageId, String actionId) {
    GetActionInput {
      packageId = packageId == null ? Optional.empty() : packageId;
      packageId.ifPresent(id -> ControlEffects.checkId(id, "packageId"));
      ControlEffects.checkId(required(actionId, "actionId", "a string"), "actionId");
    }
  }

  /**
   * {@code action.run}: {@code {packageId?, actionId, input?}} ({@code T.EffectsRunActionParams}).
   */
  record RunAction(Optional<String> packageId, String actionId, Optional<JsonNode> input) {
    RunAction {
      packageId = packageId == null ? Optional.empty() : packageId;
      packageId.ifPresent(id -> ControlEffects.checkId(id, "packageId"));
      ControlEffects.checkId(required(actionId, "actionId", "a string"), "actionId");
      input = EffectParams.nonNull(input);
    }
  }

  /**
   * {@code T.CreateTaskParams}; {@code when} and {@code input} are kept as sent with the task (the
   * UI reads them), only their JSON size is bounded.
   */
  record CreateTaskParams(
      String replayId,
      String packageId,
      String actionId,
      Task.Severity severity,
      Optional<String> reason,
      Optional<JsonNode> when,
      Optional<JsonNode> input) {
    CreateTaskParams {
      required(replayId, "replayId", "a string");
      ControlEffects.checkId(required(packageId, "packageId", "a string"), "packageId");
      ControlEffects.checkId(required(actionId, "actionId", "a string"), "actionId");
      required(severity, "severity", "\"critical\", \"important\" or \"optional\"");
      EffectLimits.requireText(replayId, "the task's replayId");
      when = EffectParams.nonNull(when);
      input = EffectParams.nonNull(input);
      reason = reason == null ? Optional.empty() : reason;
      reason.ifPresent(r -> EffectLimits.requireText(r, "the task's reason"));
      when.ifPresent(w -> EffectLimits.requireStorable(w, "the task's when"));
      input.ifPresent(i -> EffectLimits.requireStorable(i, "the task's input"));
    }

    Task task() {
      return new Task(packageId, actionId, severity, reason, when, input);
    }
  }

  /** {@code action.clear-tasks}: {@code {only: string[]} | {except: string[]}}. */
  record ClearTasks(Optional<List<String>> only, Optional<List<String>> except) {
    ClearTasks {
      if (only.isEmpty() && except.isEmpty()) {
        throw ProtocolException.invalidParams("action.clear-tasks needs 'only' or 'except'");
      }
    }

    /** Whether the ids are the ones to drop ({@code only}) rather than the ones to keep. */
    boolean dropsListed() {
      return only.isPresent();
    }

    List<String> ids() {
      return orEmpty(only.or(() -> except).orElse(List.of()));
    }
  }
}
