package startos.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints results: {@code --format json} gives the raw result as one JSON line (for scripts); the
 * default is a human form (tables where StartOS prints tables, indented JSON otherwise).
 */
public final class Output {
  public enum Format {
    json,
    table
  }

  private final PrintWriter out;
  private final Format format;

  public Output(PrintWriter out, Format format) {
    this.out = out;
    this.format = format;
  }

  public boolean json() {
    return format == Format.json;
  }

  public PrintWriter writer() {
    return out;
  }

  public void line(String text) {
    out.println(text);
    out.flush();
  }

  /** Raw JSON in json mode, else {@code human} runs. */
  public void result(JsonNode result, Runnable human) {
    if (json()) {
      line(compact(result));
    } else {
      human.run();
    }
    out.flush();
  }

  /** JSON in both modes: one line for scripts, indented for people. */
  public void value(JsonNode result) {
    line(json() ? compact(result) : pretty(result));
  }

  public void table(List<String> headers, List<List<String>> rows) {
    line(Table.render(headers, rows));
  }

  public static String compact(JsonNode node) {
    try {
      return RpcClient.JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pretty(JsonNode node) {
    try {
      return RpcClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A cell's text: strings bare, null as "-", anything else as compact JSON. */
  public static String cell(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "-";
    }
    return node.isValueNode() ? node.asText() : compact(node);
  }

  /** Plain-text tables with columns padded to the widest cell. */
  static final class Table {
    private Table() {}

    static String render(List<String> headers, List<List<String>> rows) {
      int[] widths = new int[headers.size()];
      List<List<String>> all = new ArrayList<>();
      all.add(headers);
      all.addAll(rows);
      for (List<String> row : all) {
        for (int i = 0; i < widths.length && i < row.size(); i++) {
          widths[i] = Math.max(widths[i], row.get(i).length());
        }
      }
      StringBuilder b = new StringBuilder();
      for (List<String> row : all) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
          String c = i < row.size() ? row.get(i) : "";
          line.append(c);
          if (i < widths.length - 1) {
            line.append(" ".repeat(widths[i] - c.length() + 2));
          }
        }
        b.append(line.toString().stripTrailing()).append('\n');
      }
      if (rows.isEmpty()) {
        b.append("(none)\n");
      }
      return b.substring(0, b.length() - 1);
    }
  }
}
