package dev.remit;

import java.util.Locale;

/** Risk class of a tool operation, as declared in the tool catalog. */
public enum RiskClass {
  READ("read"),
  WRITE("write"),
  ADMIN("admin"),
  MONEY_MOVEMENT("money-movement"),
  PRODUCTION_CHANGE("production-change"),
  EXTERNAL_COMMUNICATION("external-communication");

  private final String wireName;

  RiskClass(String wireName) {
    this.wireName = wireName;
  }

  /** Returns the name used in policy documents and JSON, e.g. {@code money-movement}. */
  public String wireName() {
    return wireName;
  }

  /** Returns the risk class named {@code name} (wire name or enum name), or null if none is. */
  public static RiskClass fromName(String name) {
    if (name == null) {
      return null;
    }
    for (RiskClass r : values()) {
      if (r.wireName.equals(name) || r.name().equals(name.toUpperCase(Locale.ROOT))) {
        return r;
      }
    }
    return null;
  }
}
