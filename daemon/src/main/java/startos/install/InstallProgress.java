package startos.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * A {@code FullProgress} with named phases, as the UI shows installs: {@code {overall, phases:
 * [{name, progress}]}} where a progress is null (not started), false (indeterminate), true (done)
 * or {@code {done, total, units}}. Thread-safe; listeners get every change.
 */
public final class InstallProgress {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Map<String, JsonNode> phases = new LinkedHashMap<>();
  private final List<Consumer<InstallProgress>> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> cancelHooks = new CopyOnWriteArrayList<>();
  private volatile Optional<String> failure = Optional.empty();
  private volatile boolean complete;
  private volatile boolean cancelled;
  private boolean committed;

  public InstallProgress(List<String> phaseNames) {
    phaseNames.forEach(n -> phases.put(n, NODES.nullNode()));
  }

  /** The phases of a sideload; a local-file install skips Uploading. */
  public static InstallProgress sideload() {
    return new InstallProgress(List.of("Uploading", "Verifying", "Unpacking", "Initializing"));
  }

  public static InstallProgress local() {
    return new InstallProgress(List.of("Verifying", "Unpacking", "Initializing"));
  }

  public void start(String phase) {
    set(phase, NODES.booleanNode(false));
  }

  public void bytes(String phase, long done, long total) {
    ObjectNode p = NODES.objectNode();
    p.put("done", done);
    if (total >= 0) {
      p.put("total", total);
    } else {
      p.putNull("total");
    }
    p.put("units", "bytes");
    set(phase, p);
  }

  /** A package-reported progress (from {@code set-init-progress}) nested in a phase. */
  public void nested(String phase, JsonNode progress) {
    set(phase, progress.deepCopy());
  }

  public void finish(String phase) {
    set(phase, NODES.booleanNode(true));
  }

  /** Marks everything done. */
  public void complete() {
    synchronized (this) {
      phases.replaceAll((k, v) -> NODES.booleanNode(true));
      complete = true;
    }
    fire();
  }

  public void fail(String message) {
    failure = Optional.of(message);
    fire();
  }

  public Optional<String> failure() {
    return failure;
  }

  public boolean isComplete() {
    return complete;
  }

  public boolean isOver() {
    return complete || failure.isPresent();
  }

  /**
   * Asks the install to stop: the hooks registered with {@link #onCancel} run now (they abort what
   * blocks: a tool, the container's init) and the install's next {@link #checkCancelled} throws.
   * Returns false when it is too late: the install already committed, failed or completed.
   */
  public boolean cancel() {
    synchronized (this) {
      if (committed || isOver()) {
        return false;
      }
      cancelled = true;
    }
    for (Runnable hook : cancelHooks) {
      hook.run();
    }
    return true;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** Throws CANCELLED when {@link #cancel} was called. */
  public void checkCancelled() {
    if (cancelled) {
      throw new RpcException(ErrorKind.CANCELLED, "the install was cancelled");
    }
  }

  /**
   * Runs {@code hook} when the install is cancelled (at once if it already was) until the returned
   * registration is closed.
   */
  public Registration onCancel(Runnable hook) {
    cancelHooks.add(hook);
    if (cancelled) {
      hook.run();
    }
    return () -> cancelHooks.remove(hook);
  }

  /**
   * The point of no return: after it {@link #cancel} refuses. Returns false when the install was
   * cancelled first (the caller then undoes everything).
   */
  public synchronized boolean commit() {
    if (cancelled) {
      return false;
    }
    committed = true;
    return true;
  }

  /** A cancel hook's registration; closing it never throws. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private void set(String phase, JsonNode value) {
    synchronized (this) {
      if (!phases.containsKey(phase)) {
        throw new IllegalArgumentException("no install phase named " + phase);
      }
      phases.put(phase, value);
    }
    fire();
  }

  private void fire() {
    for (Consumer<InstallProgress> l : listeners) {
      l.accept(this);
    }
  }

  public void listen(Consumer<InstallProgress> listener) {
    listeners.add(listener);
  }

  /** The FullProgress JSON now. */
  public synchronized ObjectNode toJson() {
    ObjectNode o = NODES.objectNode();
    var array = o.putArray("phases");
    boolean allDone = true;
    boolean anyStarted = false;
    for (Map.Entry<String, JsonNode> e : phases.entrySet()) {
      ObjectNode p = array.addObject();
      p.put("name", e.getKey());
      p.set("progress", e.getValue().deepCopy());
      allDone &= e.getValue().isBoolean() && e.getValue().asBoolean();
      anyStarted |= !e.getValue().isNull();
    }
    if (allDone || complete) {
      o.put("overall", true);
    } else if (!anyStarted) {
      o.putNull("overall");
    } else {
      long done = phases.values().stream().filter(v -> v.isBoolean() && v.asBoolean()).count();
      ObjectNode overall = o.putObject("overall");
      overall.put("done", done);
      overall.put("total", phases.size());
      overall.put("units", "steps");
    }
    // keep "overall" first as StartOS does
    ObjectNode ordered = NODES.objectNode();
    ordered.set("overall", o.get("overall"));
    ordered.set("phases", o.get("phases"));
    return ordered;
  }

  List<String> names() {
    return new ArrayList<>(phases.keySet());
  }
}
