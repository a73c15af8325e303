package startos.daemon;

/** Entry point of {@code startd}. */
public final class StartdMain {
  private StartdMain() {}

  public static void main(String[] args) {
    System.out.println("startd: not wired yet");
  }
}
