/**
 * JSON-RPC as StartOS speaks it, independent of the transport: {@link startos.rpc.RpcRouter} (the
 * table of methods by name, each with its {@link startos.rpc.Access}), {@link
 * startos.rpc.RpcDispatcher} (setup gating and the session check, then the call), and the error
 * model: methods throw {@link startos.rpc.RpcException} with an {@link startos.rpc.ErrorKind},
 * {@link startos.rpc.RpcErrors} is the one place any exception becomes a wire error.
 *
 * <p>Features depend on this package, never the reverse: a feature's own exception that must reach
 * the caller with a particular kind extends {@link startos.rpc.RpcException}.
 *
 * <p>Threads: methods are called on the request's virtual thread and may block; the router is
 * filled at start and read concurrently.
 *
 * <p>Not done yet: batch requests are refused with a clear error.
 */
package startos.rpc;
