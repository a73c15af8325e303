/**
 * {@code bin/bench NAME}: benchmarks that print their numbers next to the goal, not tests ({@code
 * patchdb}, {@code fanout}, {@code s9pk}, {@code container}); {@link startos.bench.BenchMain} maps
 * the name to the class.
 *
 * <p>Threads: a benchmark runs alone in its JVM and starts what its scenario needs (writer threads,
 * WebSocket clients, containers).
 *
 * <p>Not done yet: no benchmark for installs or effect round trips.
 */
package startos.bench;
