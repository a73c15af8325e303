package startos.exver;

/** Comparison operator of a range anchor. {@code ^} and {@code ~} expand to two anchors. */
public enum Operator {
  GTE(">="),
  LT("<"),
  NEQ("!="),
  EQ("="),
  LTE("<="),
  GT(">");

  private final String symbol;

  Operator(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  /** Whether a version comparing {@code ordering} to the anchor's version passes. */
  boolean accepts(PartialOrdering ordering) {
    if (ordering == PartialOrdering.INCOMPARABLE) {
      return this == NEQ; // other flavors only ever pass "not equal"
    }
    return switch (this) {
      case GTE -> ordering != PartialOrdering.LESS;
      case LT -> ordering == PartialOrdering.LESS;
      case NEQ -> ordering != PartialOrdering.EQUAL;
      case EQ -> ordering == PartialOrdering.EQUAL;
      case LTE -> ordering != PartialOrdering.GREATER;
      case GT -> ordering == PartialOrdering.GREATER;
    };
  }
}
