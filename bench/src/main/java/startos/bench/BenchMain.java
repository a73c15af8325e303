package startos.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;

/**
 * Entry point of {@code bin/bench NAME [ARGS]}: each benchmark is a class in this package with a
 * {@code public static void main(String[])}, listed here by the name users type.
 */
public final class BenchMain {
  private static final Map<String, String> BENCHMARKS =
      new TreeMap<>(
          Map.of(
              "patchdb", "startos.bench.PatchDbBench",
              "fanout", "startos.bench.FanoutBench",
              "s9pk", "startos.bench.S9pkBench",
              "container", "startos.bench.ContainerBench"));

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || !BENCHMARKS.containsKey(args[0])) {
      System.out.println(
          "usage: bin/bench NAME [ARGS]   where NAME is one of " + BENCHMARKS.keySet());
      System.exit(args.length == 0 || args[0].equals("--help") ? 0 : 2);
    }
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    Class<?> bench;
    try {
      bench = Class.forName(BENCHMARKS.get(args[0]));
    } catch (ClassNotFoundException e) {
      System.err.println("benchmark '" + args[0] + "' is not built yet");
      System.exit(2);
      return;
    }
    Method main = bench.getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) rest);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
