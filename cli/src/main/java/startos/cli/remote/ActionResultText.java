package startos.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import startos.cli.Output;

/**
 * An {@code ActionResult} (v0 or v1) as text: title, message, then each value with its name; masked
 * values are hidden unless asked for, values meant for a QR code drawn as one on request.
 */
final class ActionResultText {
  static final String HIDDEN = "•••••••• (masked; --show-secrets shows it)";

  private final Output out;
  private final boolean showSecrets;
  private final boolean qr;

  ActionResultText(Output out, boolean showSecrets, boolean qr) {
    this.out = out;
    this.showSecrets = showSecrets;
    this.qr = qr;
  }

  void print(String actionId, JsonNode r) {
    if (r.isNull()) {
      out.line(actionId + " ran (no result)");
      return;
    }
    if (r.path("version").asText().equals("0")) {
      // v0: {message, value, copyable, qr}
      text(r.path("message")).ifPresent(out::line);
      if (r.hasNonNull("value")) {
        single("", "Value", r.path("value").asText(), false, r.path("qr").asBoolean(false));
      }
      return;
    }
    text(r.path("title")).ifPresent(out::line);
    text(r.path("message")).ifPresent(out::line);
    JsonNode result = r.path("result");
    if (result.isObject()) {
      member("", "", result);
    }
  }

  private void member(String indent, String name, JsonNode m) {
    if (m.path("type").asText().equals("group")) {
      if (!name.isEmpty()) {
        out.line(indent + name + ":");
      }
      String inner = name.isEmpty() ? indent : indent + "  ";
      for (JsonNode v : m.path("value")) {
        member(inner, v.path("name").asText(""), v);
        text(v.path("description")).ifPresent(d -> out.line(inner + "  (" + d + ")"));
      }
    } else {
      single(
          indent,
          name.isEmpty() ? "Value" : name,
          m.path("value").isTextual() ? m.path("value").asText() : Output.compact(m.path("value")),
          m.path("masked").asBoolean(false),
          m.path("qr").asBoolean(false));
    }
  }

  private void single(String indent, String name, String value, boolean masked, boolean isQr) {
    boolean hide = masked && !showSecrets;
    out.line(indent + name + ": " + (hide ? HIDDEN : value));
    if (isQr && !hide) {
      if (qr) {
        for (String line : QrText.render(value)) {
          out.line(indent + line);
        }
      } else {
        out.line(indent + "  (a QR code: --qr draws it)");
      }
    }
  }

  private static java.util.Optional<String> text(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty()
        ? java.util.Optional.of(n.asText())
        : java.util.Optional.empty();
  }
}
