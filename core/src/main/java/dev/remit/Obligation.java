package dev.remit;

import java.util.Map;
import java.util.Objects;

/**
 * Something the host must do with a decision: ask an approver ({@code approval}), mint a
 * short-lived credential ({@code mint-credential}).
 *
 * <p>{@code approval} attributes: {@code rule}, {@code approver_role}, {@code description}.
 * {@code mint-credential} attributes: {@code audience}, {@code scopes} (space-separated),
 * {@code ttl_seconds}, {@code grant}.
 *
 * @param type obligation type
 * @param attributes string attributes of the obligation
 */
public record Obligation(String type, Map<String, String> attributes) {
  /** Type of the obligation to obtain a human approval. */
  public static final String APPROVAL = "approval";
  /** Type of the obligation to mint a short-lived credential. */
  public static final String MINT_CREDENTIAL = "mint-credential";

  public Obligation {
    Objects.requireNonNull(type, "type");
    attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
  }
}
