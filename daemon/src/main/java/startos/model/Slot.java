package startos.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;

/**
 * A typed place in the document: its JSON pointer, the type its value decodes to, and the value a
 * missing field stands for. Declared only in this package ({@link Slots}), so no other package
 * spells a database path.
 */
public record Slot<T>(String pointer, JavaType type, T absent) {
  static <T> Slot<T> of(String pointer, TypeReference<T> type, T absent) {
    return new Slot<>(pointer, ModelJson.MAPPER.getTypeFactory().constructType(type), absent);
  }

  static <T> Slot<T> of(String pointer, Class<T> type, T absent) {
    return new Slot<>(pointer, ModelJson.MAPPER.constructType(type), absent);
  }
}
