package startos.bench;

/** Entry point of {@code bin/bench}. */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    System.out.println("bench: nothing yet");
  }
}
