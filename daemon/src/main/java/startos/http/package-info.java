/**
 * startd's HTTP side on Jetty core: {@code POST /rpc/*} (JSON-RPC, handed to {@code startos.rpc}),
 * the one-shot continuations {@code /ws/rpc/<guid>} and {@code /rest/rpc/<guid>} ({@link
 * startos.http.Continuations}), and the static web UI, routed by one table in {@link
 * startos.http.HttpServer}. Browser-facing checks live here too: {@link startos.http.OriginCheck},
 * {@link startos.http.SecurityHeaders}, {@link startos.http.ServerNames}.
 *
 * <p>Threads: every request runs on its own virtual thread and may block; a WebSocket continuation
 * runs on a virtual thread of its own; one platform thread ({@code continuation-sweeper}) drops
 * expired guids.
 *
 * <p>Not done yet: only plain HTTP is served (no TLS listener with the local CA's certificates),
 * and there is no reverse proxy to package UIs.
 */
package startos.http;
