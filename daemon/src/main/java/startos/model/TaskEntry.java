package startos.model;

/** A task a package asked for ({@code T.TaskEntry}); {@code active}: not yet done. */
public record TaskEntry(Task task, boolean active) {
  public TaskEntry withActive(boolean v) {
    return new TaskEntry(task, v);
  }
}
