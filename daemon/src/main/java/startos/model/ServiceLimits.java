package startos.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Optional;

/**
 * The limits the admin set for one service ({@code package.set-limits}), each overriding startd's
 * default for that service's container; an empty one keeps the default. 0 lifts a limit. StartOS
 * has no such setting; the shape is startd's own, kept in {@code /private}. Written only by the
 * admin's RPC, never by a package.
 *
 * @param memoryBytes hard memory limit
 * @param maxPids most processes and threads at once
 * @param cpuShares relative CPU weight (kernel default 1024)
 * @param cpuMillis CPU time per wall second in thousandths of a core
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record ServiceLimits(
    Optional<Long> memoryBytes,
    Optional<Integer> maxPids,
    Optional<Integer> cpuShares,
    Optional<Integer> cpuMillis) {
  public static final ServiceLimits DEFAULTS =
      new ServiceLimits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  public ServiceLimits {
    memoryBytes = memoryBytes == null ? Optional.empty() : memoryBytes;
    maxPids = maxPids == null ? Optional.empty() : maxPids;
    cpuShares = cpuShares == null ? Optional.empty() : cpuShares;
    cpuMillis = cpuMillis == null ? Optional.empty() : cpuMillis;
  }

  /** These overrides, then {@code newer}'s where it has one. */
  public ServiceLimits with(ServiceLimits newer) {
    return new ServiceLimits(
        newer.memoryBytes.or(() -> memoryBytes),
        newer.maxPids.or(() -> maxPids),
        newer.cpuShares.or(() -> cpuShares),
        newer.cpuMillis.or(() -> cpuMillis));
  }
}
