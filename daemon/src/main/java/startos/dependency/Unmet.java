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

  /** The range the dependent declared cannot be read: it can never be satisfied. */
  record BadRange(String dependency, String problem) implements Unmet {
    @Override
    public String message() {
      return "the version range declared for " + dependency + " is unreadable: " + problem;
    }
  }
}
