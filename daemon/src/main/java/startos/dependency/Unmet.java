package startos.dependency;

/**
 * Why a declared dependency is not satisfied, in the order StartOS's UI checks them ({@code
 * DependencyError} in its {@code dep-error.service.ts}); each says so in one sentence.
 */
public sealed interface Unmet {
  String dependency();

  String message();

  record NotInstalled(String dependency) implements Unmet {
    @Override
    public String message() {
      return dependency + " is not installed";
    }
  }

  record IncorrectVersion(String dependency, String installed, String expected) implements Unmet {
    @Override
    public String message() {
      return dependency + " " + installed + " is installed, but " + expected + " is required";
    }
  }

  /** A critical task the dependent put on the dependency is still active. */
  record TaskRequired(String dependency, String actionId) implements Unmet {
    @Override
    public String message() {
      return "the critical task to run action " + actionId + " of " + dependency + " is not done";
    }
  }

  record NotRunning(String dependency) implements Unmet {
    @Override
    public String message() {
      return dependency + " is not running";
    }
  }

  record HealthCheckFailed(String dependency, String check, String result) implements Unmet {
    @Override
    public String message() {
      return "health check " + check + " of " + dependency + " is " + result + ", not success";
    }
  }

  /** The declared range, or the installed version, cannot be read: never satisfied. */
  record BadRange(String dependency, String problem) implements Unmet {
    @Override
    public String message() {
      return "the version range declared for "
          + dependency
          + " is unreadable, or the version installed is: "
          + problem;
    }
  }
}
