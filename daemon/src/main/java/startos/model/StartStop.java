package startos.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code T.StartStop}. */
public enum StartStop {
  @JsonProperty("start")
  START,
  @JsonProperty("stop")
  STOP
}
