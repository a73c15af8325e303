package startos.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * Routes a request to its method after the access checks: setup gating first (until setup is
 * complete only PUBLIC and SETUP methods answer; afterwards SETUP methods refuse), then the session
 * check for SESSION methods. Never throws: every failure becomes a {@link RpcOutcome.Failure}.
 */
public final class RpcDispatcher {
  static final String SETUP_REQUIRED =
      "setup is not complete: run setup first (setup.execute, setup.complete)";
  static final String SETUP_DONE =
      "setup is already complete: setup methods are no longer available";
  static final String LOGIN_REQUIRED =
      "not logged in: log in with auth.login (or use the local CLI auth cookie)";

  private final RpcRouter router;
  private final SetupState setup;

  public RpcDispatcher(RpcRouter router, SetupState setup) {
    this.router = router;
    this.setup = setup;
  }

  public RpcOutcome dispatch(RpcRequest request, Caller caller) {
    try {
      RpcRouter.Route route =
          router
              .route(request.method())
              .orElseThrow(() ->
                  new ProtocolException(
                      StandardError.METHOD_NOT_FOUND,
                      "unknown method '%s'".formatted(request.method())));
      checkAccess(route.access(), caller);
      JsonNode result = route.method().call(request.params(), caller);
      return new RpcOutcome.Success(result == null ? NullNode.getInstance() : result);
    } catch (RuntimeException e) {
      return new RpcOutcome.Failure(RpcErrors.from(e));
    }
  }

  private void checkAccess(Access access, Caller caller) {
    boolean setupComplete = setup.complete();
    switch (access) {
      case PUBLIC -> {}
      case SETUP -> {
        if (setupComplete) {
          throw new RpcException(ErrorKind.INVALID_REQUEST, SETUP_DONE);
        }
      }
      case UNAUTHENTICATED -> {
        if (!setupComplete) {
          throw new RpcException(ErrorKind.UNINITIALIZED, SETUP_REQUIRED);
        }
      }
      case SESSION -> {
        if (!setupComplete) {
          throw new RpcException(ErrorKind.UNINITIALIZED, SETUP_REQUIRED);
        }
        if (caller.sessionId().isEmpty() && !caller.local()) {
          throw new RpcException(ErrorKind.AUTHORIZATION, LOGIN_REQUIRED);
        }
      }
    }
  }
}
