package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One package in {@code /public/packageData} ({@code T.PackageDataEntry}).
 *
 * @param s9pk the package archive's path on this server
 * @param registry where it was installed from; empty: sideloaded
 * @param developerKey the signer's public key (PEM)
 * @param icon a {@code data:} URL
 * @param lastBackup when the last backup finished (RFC 3339); empty: never
 * @param storeExposedDependents JSON pointers into its store that dependents may read
 * @param outboundGateway the gateway its traffic leaves through; empty: the server's default
 */
public record PackageDataEntry(
    PackageState stateInfo,
    String s9pk,
    StatusInfo statusInfo,
    Optional<String> registry,
    String developerKey,
    String icon,
    Optional<String> lastBackup,
    Map<String, CurrentDependencyInfo> currentDependencies,
    Map<String, ActionMetadata> actions,
    Map<String, TaskEntry> tasks,
    Map<String, Host> hosts,
    List<String> storeExposedDependents,
    Optional<String> outboundGateway,
    PackagePlugin plugin) {

  public PackageDataEntry {
    statusInfo = statusInfo == null ? StatusInfo.stopped() : statusInfo;
    registry = registry == null ? Optional.empty() : registry;
    lastBackup = lastBackup == null ? Optional.empty() : lastBackup;
    currentDependencies = ModelJson.map(currentDependencies);
    actions = ModelJson.map(actions);
    tasks = ModelJson.map(tasks);
    hosts = ModelJson.map(hosts);
    storeExposedDependents = ModelJson.list(storeExposedDependents);
    outboundGateway = outboundGateway == null ? Optional.empty() : outboundGateway;
    plugin = plugin == null ? PackagePlugin.NONE : plugin;
  }

  /**
   * A package as it is first written: in {@code state}, stopped, with no actions, tasks, hosts or
   * dependencies yet, sideloaded, never backed up.
   */
  public static PackageDataEntry fresh(
      PackageState state, String s9pk, String developerKey, String icon) {
    return new PackageDataEntry(
        state,
        s9pk,
        StatusInfo.stopped(),
        Optional.empty(),
        developerKey,
        icon,
        Optional.empty(),
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of(),
        List.of(),
        Optional.empty(),
        PackagePlugin.NONE);
  }

  /** The manifest of whatever version this entry is about (the new one while installing). */
  public JsonNode targetManifest() {
    return stateInfo.targetManifest();
  }

  public PackageDataEntry withStateInfo(PackageState v) {
    return new PackageDataEntry(
        v,
        s9pk,
        statusInfo,
        registry,
        developerKey,
        icon,
        lastBackup,
        currentDependencies,
        actions,
        tasks,
        hosts,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withS9pk(String v) {
    return new PackageDataEntry(
        stateInfo,
        v,
        statusInfo,
        registry,
        developerKey,
        icon,
        lastBackup,
        currentDependencies,
        actions,
        tasks,
        hosts,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withStatusInfo(StatusInfo v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        v,
        registry,
        developerKey,
        icon,
        lastBackup,
        currentDependencies,
        actions,
        tasks,
        hosts,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withDeveloperKey(String v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        statusInfo,
        registry,
        v,
        icon,
        lastBackup,
        currentDependencies,
        actions,
        tasks,
        hosts,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withIcon(String v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        statusInfo,
        registry,
        developerKey,
        v,
        lastBackup,
        currentDependencies,
        actions,
        tasks,
        hosts,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withLastBackup(Optional<String> v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        statusInfo,
        registry,
        developerKey,
        icon,
        v,
        currentDependencies,
        actions,
        tasks,
        hosts,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withCurrentDependencies(Map<String, CurrentDependencyInfo> v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        statusInfo,
        registry,
        developerKey,
        icon,
        lastBackup,
        v,
        actions,
        tasks,
        hosts,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withActions(Map<String, ActionMetadata> v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        statusInfo,
        registry,
        developerKey,
        icon,
        lastBackup,
        currentDependencies,
        v,
        tasks,
        hosts,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withTasks(Map<String, TaskEntry> v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        statusInfo,
        registry,
        developerKey,
        icon,
        lastBackup,
        currentDependencies,
        actions,
        v,
        hosts,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withHosts(Map<String, Host> v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        statusInfo,
        registry,
        developerKey,
        icon,
        lastBackup,
        currentDependencies,
        actions,
        tasks,
        v,
        storeExposedDependents,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withStoreExposedDependents(List<String> v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        statusInfo,
        registry,
        developerKey,
        icon,
        lastBackup,
        currentDependencies,
        actions,
        tasks,
        hosts,
        v,
        outboundGateway,
        plugin);
  }

  public PackageDataEntry withOutboundGateway(Optional<String> v) {
    return new PackageDataEntry(
        stateInfo,
        s9pk,
        statusInfo,
        registry,
        developerKey,
        icon,
        lastBackup,
        currentDependencies,
        actions,
        tasks,
        hosts,
        storeExposedDependents,
        v,
        plugin);
  }
}
