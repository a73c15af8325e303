package startos.exver;

/**
 * One dot-separated part of a prerelease ({@code beta}, {@code 1}). Numbers sort before text;
 * numbers numerically, text by character code.
 */
public sealed interface PrereleaseSegment extends Comparable<PrereleaseSegment> {

  /** An all-digit segment, an unsigned 64-bit value as in the Rust implementation. */
  record Numeric(long value) implements PrereleaseSegment {
    @Override
    public String toString() {
      return Long.toUnsignedString(value);
    }
  }

  /** A segment of {@code [0-9A-Za-z-]} that is not all digits. */
  record Text(String value) implements PrereleaseSegment {
    public Text {
      if (value.isEmpty() || !value.chars().allMatch(Text::allowed)) {
        throw new IllegalArgumentException("prerelease text must be [0-9A-Za-z-]+: " + value);
      }
      if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            "all-digit prerelease segment must be Numeric: " + value);
      }
    }

    static boolean allowed(int c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    }

    @Override
    public String toString() {
      return value;
    }
  }

  static PrereleaseSegment of(long number) {
    return new Numeric(number);
  }

  static PrereleaseSegment of(String text) {
    return new Text(text);
  }

  @Override
  default int compareTo(PrereleaseSegment other) {
    return switch (this) {
      case Numeric a ->
          switch (other) {
            case Numeric b -> Long.compareUnsigned(a.value(), b.value());
            case Text b -> -1;
          };
      case Text a ->
          switch (other) {
            case Numeric b -> 1;
            case Text b -> a.value().compareTo(b.value());
          };
    };
  }
}
