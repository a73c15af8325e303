package startos.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.model.ActionMetadata;
import startos.model.Database;
import startos.model.PackageDataEntry;
import startos.model.Task;
import startos.model.TaskEntry;
import startos.rpc.ErrorKind;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;

/**
 * Runs packages' actions for the user ({@code package.action.*}) and for packages ({@code
 * action.get-input}, {@code action.run}), and keeps the tasks that name them true (§5.5, §5.6).
 *
 * <p>Trust: the metadata, input spec, current values and results come from the package that owns
 * the action (untrusted: shapes checked, sizes bounded); the input comes from the user's client or
 * from another package (untrusted: the user's is validated against the spec before the package sees
 * it). The caller's identity is the host's (session or host.sock peer).
 *
 * <p>Threads: any; stateless apart from the database. A call blocks while the package's handler
 * runs (up to {@link #GET_INPUT_TIMEOUT} or {@link #RUN_TIMEOUT}) and holds no lock meanwhile, so a
 * handler may call effects, other packages' actions, or its own.
 */
public final class PackageActions {
  private static final Logger LOG = LoggerFactory.getLogger(PackageActions.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final SecureRandom RANDOM = new SecureRandom();

  static final Duration GET_INPUT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

  /** The most a package may answer for a form or a result (what the UI and the CLI must show). */
  public static final int MAX_ANSWER_BYTES = 1 << 20;

  /** The longest event id a client may name (StartOS's are 32-character guids). */
  static final int MAX_EVENT_ID_CHARS = 64;

  private final Database db;
  private final ActionHost host;

  public PackageActions(Database db, ActionHost host) {
    this.db = db;
    this.host = host;
  }

  /** A fresh event id for one get-input/run exchange. */
  public static String newEventId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  // ---- get-input and run ----

  /**
   * The action's form: {@code {eventId, spec, value}}, or empty when it takes no input (StartOS
   * answers null then).
   */
  public Optional<ObjectNode> getInput(
      ActionCaller caller, String packageId, String actionId, String eventId) {
    ActionMetadata meta = metadata(caller, packageId, actionId);
    checkVisible(caller, packageId, actionId, meta);
    if (!meta.hasInput()) {
      return Optional.empty();
    }
    ObjectNode form = askForm(packageId, actionId, eventId);
    ObjectNode out = NODES.objectNode();
    out.put("eventId", eventId);
    out.set("spec", form.get("spec"));
    out.set("value", form.get("value"));
    return Optional.of(out);
  }

  /**
   * Runs the action with {@code input} and answers its {@code ActionResult} as the package returned
   * it ({@code null} when it returned none). The user's input is checked against the form first: a
   * refusal names every field and the package never sees it. Afterwards every task naming this
   * action is re-evaluated with the input it ran with.
   */
  public JsonNode run(
      ActionCaller caller, String packageId, String actionId, JsonNode input, String eventId) {
    checkEventId(eventId);
    PackageDataEntry entry = entry(packageId);
    ActionMetadata meta = metadata(caller, packageId, actionId);
    checkVisible(caller, packageId, actionId, meta);
    if (meta.visibility().kind() == ActionMetadata.Visibility.Kind.DISABLED) {
      throw new RpcException(
          ErrorKind.ACTION,
          "action '"
              + actionId
              + "' of "
              + packageId
              + " is disabled: "
              + meta.visibility().reason());
    }
    checkStatus(packageId, actionId, meta, entry.statusInfo().started().isPresent());
    JsonNode given = input == null ? NODES.nullNode() : input;
    JsonNode toRun = given;
    if (caller instanceof ActionCaller.User) {
      if (meta.hasInput()) {
        ObjectNode form = askForm(packageId, actionId, eventId);
        toRun = InputSpecValidator.validate(form.get("spec"), given).orThrow();
      } else if (!given.isNull() && !(given.isObject() && given.isEmpty())) {
        throw ProtocolException.invalidParams(
            "action '" + actionId + "' of " + packageId + " takes no input; send none");
      } else {
        toRun = NODES.nullNode();
      }
    }
    ObjectNode params = NODES.objectNode();
    params.set("input", toRun);
    JsonNode result =
        host.execute(packageId, eventId, procedure(actionId, "run"), params, RUN_TIMEOUT);
    checkResult(packageId, actionId, result);
    afterRun(packageId, actionId, toRun);
    return result;
  }

  private void checkVisible(
      ActionCaller caller, String packageId, String actionId, ActionMetadata meta) {
    if (caller instanceof ActionCaller.User
        && meta.visibility().kind() == ActionMetadata.Visibility.Kind.HIDDEN
        && !hasActiveTask(packageId, actionId)) {
      // a hidden action is the package's own (or a task's): the UI never offers it
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          "action '"
              + actionId
              + "' of "
              + packageId
              + " is hidden: only the package (or a task it asks for) runs it");
    }
  }

  private static void checkStatus(
      String packageId, String actionId, ActionMetadata meta, boolean running) {
    switch (meta.allowedStatuses()) {
      case ONLY_RUNNING -> {
        if (!running) {
          throw new RpcException(
              ErrorKind.ACTION,
              "action '"
                  + actionId
                  + "' of "
                  + packageId
                  + " runs only while the service is running; start it first");
        }
      }
      case ONLY_STOPPED -> {
        if (running) {
          throw new RpcException(
              ErrorKind.ACTION,
              "action '"
                  + actionId
                  + "' of "
                  + packageId
                  + " runs only while the service is stopped; stop it first");
        }
      }
      case ANY -> {}
    }
  }

  private static void checkEventId(String eventId) {
    if (eventId.isEmpty()
        || eventId.length() > MAX_EVENT_ID_CHARS
        || !eventId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw ProtocolException.invalidParams(
          "eventId must be 1 to " + MAX_EVENT_ID_CHARS + " printable ASCII characters");
    }
  }

  private PackageDataEntry entry(String packageId) {
    return db.packageEntry(packageId)
        .orElseThrow(() ->
            new RpcException(ErrorKind.NOT_FOUND, "package " + packageId + " is not installed"));
  }

  /** The action's metadata, after the cross-package {@code access} check for a package caller. */
  private ActionMetadata metadata(ActionCaller caller, String packageId, String actionId) {
    PackageDataEntry entry = entry(packageId);
    ActionMetadata meta = entry.actions().get(actionId);
    if (meta == null) {
      throw new RpcException(
          ErrorKind.NOT_FOUND,
          packageId
              + " has no action '"
              + actionId
              + "'"
              + (entry.actions().isEmpty()
                  ? " (it exports none)"
                  : " (it has: " + String.join(", ", entry.actions().keySet()) + ")"));
    }
    if (caller instanceof ActionCaller.Package p && !p.id().equals(packageId)) {
      ActionMetadata.Access access = meta.access().orElse(ActionMetadata.Access.USER);
      switch (access) {
        case PUBLIC -> {}
        case DEPENDENT -> {
          boolean depends =
              db.packageEntry(p.id())
                  .map(e -> e.currentDependencies().containsKey(packageId))
                  .orElse(false);
          if (!depends) {
            throw new RpcException(
                ErrorKind.INVALID_REQUEST,
                "action '"
                    + actionId
                    + "' of "
                    + packageId
                    + " is only for packages that depend on "
                    + packageId);
          }
        }
        case USER ->
            throw new RpcException(
                ErrorKind.INVALID_REQUEST,
                "action '"
                    + actionId
                    + "' of "
                    + packageId
                    + " is for the user only; other packages cannot run it");
      }
    }
    return meta;
  }

  /** The package's {@code {spec, value}} for the action, shape-checked and bounded. */
  private ObjectNode askForm(String packageId, String actionId, String eventId) {
    ObjectNode params = NODES.objectNode();
    params.putNull("prefill");
    JsonNode answer =
        host.execute(
            packageId, eventId, procedure(actionId, "getInput"), params, GET_INPUT_TIMEOUT);
    requireBounded(packageId, actionId, answer, "input form");
    if (!answer.isObject() || !answer.path("spec").isObject()) {
      throw new RpcException(
          ErrorKind.ACTION,
          packageId + " answered no input form for action '" + actionId + "' (no 'spec' object)");
    }
    JsonNode value = answer.get("value");
    if (value != null && !value.isNull() && !value.isObject()) {
      throw new RpcException(
          ErrorKind.ACTION,
          packageId + " answered a current value for action '" + actionId + "' that is no object");
    }
    ObjectNode form = NODES.objectNode();
    form.set("spec", answer.get("spec"));
    form.set("value", value == null ? NODES.nullNode() : value);
    return form;
  }

  private static void checkResult(String packageId, String actionId, JsonNode result) {
    requireBounded(packageId, actionId, result, "result");
    if (!result.isNull()
        && !(result.isObject() && result.path("version").asText("").matches("[01]"))) {
      throw new RpcException(
          ErrorKind.ACTION,
          packageId
              + " answered action '"
              + actionId
              + "' with something that is not an ActionResult (no version \"0\" or \"1\")");
    }
  }

  private static void requireBounded(
      String packageId, String actionId, JsonNode answer, String what) {
    int size;
    try {
      size = JSON.writeValueAsBytes(answer).length;
    } catch (JsonProcessingException e) {
      throw new RpcException(ErrorKind.ACTION, packageId + "'s answer cannot be serialized", e);
    }
    if (size > MAX_ANSWER_BYTES) {
      throw new RpcException(
          ErrorKind.ACTION,
          packageId
              + " answered action '"
              + actionId
              + "' with a "
              + what
              + " of "
              + size
              + " bytes; at most "
              + MAX_ANSWER_BYTES
              + " are accepted");
    }
  }

  static String procedure(String actionId, String step) {
    return "/actions/" + actionId + "/" + step;
  }

  // ---- tasks ----

  private boolean hasActiveTask(String packageId, String actionId) {
    for (PackageDataEntry e : db.packages().values()) {
      for (TaskEntry t : e.tasks().values()) {
        if (t.active()
            && t.task().packageId().equals(packageId)
            && t.task().actionId().equals(actionId)) {
          return true;
        }
      }
    }
    return false;
  }

  /** After the action ran with {@code input}: every package's tasks naming it, in one revision. */
  private void afterRun(String packageId, String actionId, JsonNode input) {
    Set<String> toStop = applyToTasks(packageId, actionId, input, true);
    toStop.forEach(host::stopForCriticalTask);
  }

  private Set<String> applyToTasks(
      String packageId, String actionId, JsonNode input, boolean wasRun) {
    return db.mutate(tx -> {
      Set<String> stop = new java.util.TreeSet<>();
      for (Map.Entry<String, PackageDataEntry> e : tx.packages().entrySet()) {
        TaskRules.Updated u =
            TaskRules.update(e.getValue().tasks(), packageId, actionId, input, wasRun);
        if (u.changed()) {
          tx.putPackage(e.getKey(), e.getValue().withTasks(u.tasks()));
        }
        if (u.criticalActivated()) {
          stop.add(e.getKey());
        }
      }
      return stop;
    });
  }

  /**
   * {@code action.create-task} of {@code requester}: stored as {@code tasks[replayId]} of the
   * requester (StartOS's place: it is the requester that cannot run until it is done). With {@code
   * input-not-matches} the target's current input decides whether it is active (with {@code once},
   * a satisfied task is not stored at all); when the target cannot be asked yet (its init has not
   * finished, e.g. at boot or a task on itself during its own init) a task already stored keeps its
   * state and a new one starts active, re-checked once the target's init finished ({@link
   * #recheckTasksOn}). A critical active task stops the requester.
   */
  public void createTask(String requester, String replayId, Task task) {
    Task stored = task;
    if (task.input().isPresent()) {
      try {
        stored =
            new Task(
                task.packageId(),
                task.actionId(),
                task.severity(),
                task.reason(),
                task.when(),
                Optional.of(TaskRules.normalizeInput(task.input().get())));
      } catch (IllegalArgumentException e) {
        throw ProtocolException.invalidParams(e.getMessage());
      }
    }
    if (task.when().isPresent()) {
      JsonNode when = task.when().get();
      if (!when.path("condition").asText("").equals("input-not-matches")) {
        throw ProtocolException.invalidParams(
            "the task's when.condition must be \"input-not-matches\", not "
                + when.path("condition"));
      }
      if (task.input().isEmpty()) {
        throw ProtocolException.invalidParams(
            "a task with when.condition \"input-not-matches\" needs an input to compare with");
      }
    }
    Optional<Boolean> known = evaluate(stored);
    if (known.isEmpty() && stored.when().isPresent()) {
      LOG.debug("{}: task {} on {} not evaluated yet", requester, replayId, stored.packageId());
    }
    if (known.isPresent() && !known.get() && TaskRules.once(stored)) {
      return;
    }
    Task finalTask = stored;
    boolean stop =
        db.mutate(tx -> {
          PackageDataEntry e =
              tx.packageEntry(requester)
                  .orElseThrow(() ->
                      new RpcException(
                          ErrorKind.NOT_FOUND, "package " + requester + " is not installed"));
          Map<String, TaskEntry> tasks = new LinkedHashMap<>(e.tasks());
          if (!tasks.containsKey(replayId) && tasks.size() >= MAX_TASKS) {
            throw new RpcException(
                ErrorKind.INVALID_REQUEST,
                "a package may have at most "
                    + MAX_TASKS
                    + " tasks; remove some with action.clear-tasks before adding more");
          }
          boolean active =
              known.orElseGet(() ->
                  Optional.ofNullable(tasks.get(replayId)).map(TaskEntry::active).orElse(true));
          tasks.put(replayId, new TaskEntry(finalTask, active));
          tx.putPackage(requester, e.withTasks(tasks));
          return active && finalTask.severity() == Task.Severity.CRITICAL;
        });
    if (stop) {
      host.stopForCriticalTask(requester);
    }
  }

  /** The most tasks one package may keep (each is shown to the user). */
  public static final int MAX_TASKS = 256;

  /**
   * Whether the task is active now, when that can be known: always for a task without a condition;
   * for {@code input-not-matches}, from the target's current input when its runtime is up. A task
   * on an action the (initialized) target does not have is refused.
   */
  private Optional<Boolean> evaluate(Task task) {
    String target = task.packageId();
    Optional<PackageDataEntry> entry = db.packageEntry(target);
    if (entry.isPresent() && host.initialized(target)) {
      ActionMetadata meta = entry.get().actions().get(task.actionId());
      if (meta == null) {
        throw new RpcException(
            ErrorKind.NOT_FOUND,
            "cannot ask for a task on action '"
                + task.actionId()
                + "' of "
                + target
                + ": "
                + target
                + " has no such action");
      }
      if (task.when().isEmpty()) {
        return Optional.of(true);
      }
      if (!meta.hasInput()) {
        return Optional.empty();
      }
      try {
        JsonNode value = askForm(target, task.actionId(), newEventId()).get("value");
        return Optional.of(!(value.isObject() && TaskRules.satisfiedBy(task, value)));
      } catch (RpcException e) {
        LOG.warn(
            "cannot read the input of {} action {} for a task: {}",
            target,
            task.actionId(),
            e.getMessage());
        return Optional.empty();
      }
    }
    return task.when().isEmpty() ? Optional.of(true) : Optional.empty();
  }

  /**
   * Once {@code target}'s init finished: every {@code input-not-matches} task naming one of its
   * actions is re-evaluated against the action's current input (the boot-time tasks that could not
   * be evaluated when they were asked for). Blocking; call it off the service's lock.
   */
  public void recheckTasksOn(String target) {
    Set<String> actions = new java.util.TreeSet<>();
    for (PackageDataEntry e : db.packages().values()) {
      for (TaskEntry t : e.tasks().values()) {
        if (t.task().packageId().equals(target) && t.task().when().isPresent()) {
          actions.add(t.task().actionId());
        }
      }
    }
    Optional<PackageDataEntry> entry = db.packageEntry(target);
    for (String actionId : actions) {
      ActionMetadata meta = entry.map(e -> e.actions().get(actionId)).orElse(null);
      if (meta == null || !meta.hasInput()) {
        continue;
      }
      try {
        JsonNode value = askForm(target, actionId, newEventId()).get("value");
        if (value.isObject()) {
          applyToTasks(target, actionId, value, false).forEach(host::stopForCriticalTask);
        }
      } catch (RuntimeException e) {
        LOG.warn("re-checking tasks on {} action {} failed: {}", target, actionId, e.getMessage());
      }
    }
  }

  /** {@code action.clear-tasks} of {@code requester}: drops the listed ids, or all others. */
  public void clearTasks(String requester, Set<String> ids, boolean dropListed) {
    db.updatePackage(
        requester,
        e -> {
          Map<String, TaskEntry> tasks = new LinkedHashMap<>();
          e.tasks()
              .forEach((k, v) -> {
                if (ids.contains(k) != dropListed) {
                  tasks.put(k, v);
                }
              });
          return e.withTasks(tasks);
        });
  }

  /**
   * {@code package.action.clear-task}: the user dismisses one task of {@code packageId}; a critical
   * one only with {@code force} (the service could not work without it).
   */
  public void clearTask(String packageId, String replayId, boolean force) {
    db.mutate(tx -> {
      PackageDataEntry e =
          tx.packageEntry(packageId)
              .orElseThrow(() ->
                  new RpcException(
                      ErrorKind.NOT_FOUND, "package " + packageId + " is not installed"));
      TaskEntry t = e.tasks().get(replayId);
      if (t == null) {
        throw new RpcException(
            ErrorKind.NOT_FOUND,
            packageId
                + " has no task '"
                + replayId
                + "'"
                + (e.tasks().isEmpty()
                    ? ""
                    : " (it has: " + String.join(", ", e.tasks().keySet()) + ")"));
      }
      if (t.task().severity() == Task.Severity.CRITICAL && !force) {
        throw new RpcException(
            ErrorKind.INVALID_REQUEST,
            "task '"
                + replayId
                + "' of "
                + packageId
                + " is critical: the service needs it done; run action '"
                + t.task().actionId()
                + "' of "
                + t.task().packageId()
                + ", or clear it with --force");
      }
      Map<String, TaskEntry> tasks = new LinkedHashMap<>(e.tasks());
      tasks.remove(replayId);
      tx.putPackage(packageId, e.withTasks(tasks));
      return null;
    });
  }

  /**
   * The first active critical task of {@code packageId}, as the sentence {@code package.start}
   * refuses with; empty when none blocks it.
   */
  public Optional<String> criticalTaskBlockingStart(String packageId) {
    return db.packageEntry(packageId)
        .flatMap(e ->
            e.tasks().entrySet().stream()
                .filter(t -> t.getValue().active())
                .filter(t -> t.getValue().task().severity() == Task.Severity.CRITICAL)
                .findFirst())
        .map(t ->
            packageId
                + " has a critical task to do first ('"
                + t.getKey()
                + "': run action '"
                + t.getValue().task().actionId()
                + "' of "
                + t.getValue().task().packageId()
                + "); start it with force to override");
  }
}
