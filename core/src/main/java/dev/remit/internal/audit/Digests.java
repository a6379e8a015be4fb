package dev.remit.internal.audit;

import dev.remit.internal.Canonical;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/** SHA-256 helpers for the audit trail. */
public final class Digests {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  /** The {@code prev} of the very first record of a chain. */
  public static final String GENESIS = "0".repeat(64);

  private Digests() {}

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Digests::newSha256);

  /** Returns this thread's SHA-256 instance, reset (the writer thread reuses one). */
  public static MessageDigest sha256() {
    MessageDigest md = SHA256.get();
    md.reset();
    return md;
  }

  /** Returns a copy of the digest's state, or null when its provider cannot copy it. */
  public static MessageDigest copy(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      return null;
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 not available", e);
    }
  }

  /** Returns the lower-case hex SHA-256 of the bytes. */
  public static String sha256Hex(byte[] bytes) {
    return hex(sha256().digest(bytes));
  }

  /** Returns the lower-case hex SHA-256 of bytes[from, to). */
  public static String sha256Hex(byte[] bytes, int from, int to) {
    MessageDigest md = sha256();
    md.update(bytes, from, to - from);
    return hex(md.digest());
  }

  /** Returns {@code sha256:<hex>} of the UTF-8 text. */
  public static String text(String s) {
    return "sha256:" + sha256Hex(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns {@code sha256:<hex>} of the canonical form of the arguments. */
  public static String args(Map<String, Object> args) {
    return text(Canonical.of(args == null ? Map.of() : args));
  }

  public static String hex(byte[] b) {
    char[] c = new char[b.length * 2];
    for (int i = 0; i < b.length; i++) {
      c[2 * i] = HEX[(b[i] >> 4) & 0xf];
      c[2 * i + 1] = HEX[b[i] & 0xf];
    }
    return new String(c);
  }
}
