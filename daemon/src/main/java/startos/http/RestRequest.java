package startos.http;

import java.io.InputStream;
import java.util.Optional;

/**
 * An HTTP continuation request.
 *
 * @param method the HTTP method
 * @param contentLength the declared body length, or -1 when not declared
 * @param contentType the Content-Type header, if sent
 * @param body the request body as it arrives (not buffered)
 */
public record RestRequest(
    String method, long contentLength, Optional<String> contentType, InputStream body) {}
