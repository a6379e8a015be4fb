package dev.remit;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A human or service on whose behalf agents act, with what it may currently do itself.
 *
 * <p>Every decision intersects an agent's delegated authority with its original principal's
 * <em>current</em> entitlements, so removing an entitlement here narrows every agent acting for
 * the principal on the very next call.
 *
 * @param id unique identifier, e.g. {@code alice@example.com}
 * @param kind human or service
 * @param entitlements what the principal may do itself; a scope's constraints, if any, limit the
 *     calls it entitles
 * @param roles approver roles the principal holds (for approving guarded calls)
 */
public record Principal(String id, Kind kind, List<Scope> entitlements, Set<String> roles) {

  /** Whether a principal is a person or a non-human service. */
  public enum Kind {
    HUMAN,
    SERVICE;

    /** Returns the kind named {@code name}, case-insensitively, or null. */
    public static Kind fromName(String name) {
      if (name == null) {
        return null;
      }
      for (Kind k : values()) {
        if (k.name().equals(name.toUpperCase(Locale.ROOT))) {
          return k;
        }
      }
      return null;
    }
  }

  public Principal {
    Names.requireId(id, "principal id");
    Objects.requireNonNull(kind, "kind");
    entitlements = List.copyOf(Objects.requireNonNull(entitlements, "entitlements"));
    roles = roles == null ? Set.of() : Set.copyOf(roles);
    for (String r : roles) {
      Names.requireId(r, "role of " + id);
    }
  }

  /** Returns a human principal. */
  public static Principal human(String id, List<Scope> entitlements) {
    return new Principal(id, Kind.HUMAN, entitlements, Set.of());
  }

  /** Returns a copy that also holds approver role {@code role}. */
  public Principal withRole(String role) {
    java.util.Set<String> r = new java.util.HashSet<>(roles);
    r.add(role);
    return new Principal(id, kind, entitlements, r);
  }

  /** Returns a copy with other entitlements. */
  public Principal withEntitlements(List<Scope> newEntitlements) {
    return new Principal(id, kind, newEntitlements, roles);
  }
}
