package dev.remit.internal.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remit.AuditLog;
import dev.remit.AuditLog.Finding;
import dev.remit.AuditLog.Kind;
import dev.remit.AuditLog.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Checks the hash chain of JSON Lines audit files written by {@link JsonLinesSink}. */
public final class ChainVerifier {
  private ChainVerifier() {}

  /** One complete line. */
  private static final class Line {
    Path file;
    long lineNo;
    boolean parsed;
    long seq = -1;
    String prev;
    boolean hashOk;
    String hash; // SHA-256 of the line bytes: what the successor's prev must be
  }

  private static final class FileLines {
    final Path file;
    final List<Line> lines = new ArrayList<>();
    Finding truncated;
    long firstSeq = Long.MAX_VALUE;

    FileLines(Path file) {
      this.file = file;
    }
  }

  public static AuditLog.Verification verify(List<Path> paths, boolean allowPartial) {
    List<FileLines> files = new ArrayList<>();
    for (Path p : paths) {
      files.add(read(p));
    }
    files.sort(Comparator.comparingLong(f -> f.firstSeq)); // stable: unreadable heads keep their order
    List<Line> all = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    for (FileLines f : files) {
      all.addAll(f.lines);
    }
    long records = 0;
    Finding tamper = null;
    int good = -1;
    for (int i = 0; i < all.size() && tamper == null; i++) {
      tamper = check(all, i, allowPartial);
      if (tamper == null) {
        records++;
        good = i;
      }
    }
    // truncations count only up to the tampering (or all, if none)
    for (FileLines f : files) {
      if (f.truncated != null) {
        boolean before = tamper == null || f.lines.isEmpty() || good >= all.indexOf(f.lines.get(f.lines.size() - 1));
        if (before) {
          findings.add(f.truncated);
        }
      }
    }
    if (tamper != null) {
      findings.add(0, tamper);
    }
    Result result = tamper != null ? Result.TAMPERED : findings.isEmpty() ? Result.INTACT : Result.INTACT_TRUNCATED_TAIL;
    return new AuditLog.Verification(result, records, findings, good < 0 ? null : all.get(good).hash,
        good < 0 ? -1 : all.get(good).seq);
  }

  private static Finding check(List<Line> all, int i, boolean allowPartial) {
    Line l = all.get(i);
    if (!l.parsed) {
      return finding(Kind.MODIFIED, l, "not a valid audit record (unparseable, or without seq/prev/hash)");
    }
    if (!l.hashOk) {
      return finding(Kind.MODIFIED, l, "the record's content does not match its hash");
    }
    if (i == 0) {
      if (l.seq == 0 && !l.prev.equals(Digests.GENESIS)) {
        return finding(Kind.MODIFIED, l, "the first record of the chain must have prev " + Digests.GENESIS);
      }
      if (l.seq != 0 && !allowPartial) {
        return finding(Kind.HEAD_MISSING, l, "the chain starts at seq " + l.seq + ": records 0.." + (l.seq - 1)
            + " are missing (give the earlier files, or allow a partial chain)");
      }
      return null;
    }
    Line p = all.get(i - 1);
    long expected = p.seq + 1;
    if (l.seq == expected) {
      if (l.prev.equals(p.hash)) {
        return null;
      }
      if (i >= 2 && l.prev.equals(all.get(i - 2).hash)) {
        return finding(Kind.INSERTED, p, "no record links to this one: the next record links to the one before it");
      }
      return finding(Kind.BROKEN_LINK, l, "prev does not match the hash of the record before it (line "
          + p.lineNo + " of " + p.file.getFileName() + "): that record was modified and re-hashed, or records were"
          + " deleted or inserted and renumbered");
    }
    if (l.seq > expected) {
      for (int j = i + 1; j < all.size(); j++) {
        if (all.get(j).parsed && all.get(j).seq == expected) {
          return finding(Kind.REORDERED, l, "expected seq " + expected + " here; it appears later, at line "
              + all.get(j).lineNo + " of " + all.get(j).file.getFileName());
        }
      }
      return finding(Kind.DELETED, l, (l.seq - expected == 1 ? "record seq " + expected + " is"
          : "records seq " + expected + ".." + (l.seq - 1) + " are") + " missing before this record");
    }
    // seq goes back: one of this record and its predecessor was inserted; the successor tells which
    if (i + 1 < all.size() && all.get(i + 1).parsed && all.get(i + 1).prev != null) {
      Line n = all.get(i + 1);
      if (n.prev.equals(l.hash) && !n.prev.equals(p.hash) && l.seq == p.seq) {
        return finding(Kind.INSERTED, p, "repeats seq " + p.seq + " and no record links to it");
      }
    }
    return finding(Kind.INSERTED, l, "seq " + l.seq + " repeats or goes back after seq " + p.seq);
  }

  private static Finding finding(Kind kind, Line l, String message) {
    return new Finding(kind, l.file, l.lineNo, l.parsed ? l.seq : -1, message);
  }

  private static FileLines read(Path p) {
    byte[] b;
    try {
      b = Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
    FileLines f = new FileLines(p);
    int start = 0;
    long lineNo = 0;
    while (start < b.length) {
      lineNo++;
      int end = start;
      while (end < b.length && b[end] != '\n') {
        end++;
      }
      if (end == b.length) {
        f.truncated = new Finding(Kind.TRUNCATED_TAIL, p, lineNo, -1, "the last line is incomplete ("
            + (end - start) + " bytes, no newline): the writer stopped mid-record; not a record, not tampering");
        break;
      }
      f.lines.add(parse(p, lineNo, Arrays.copyOfRange(b, start, end)));
      start = end + 1;
    }
    // order key: the first readable record's seq, less its position (a tampered first line must
    // not move the file to the end of the chain)
    for (int i = 0; i < f.lines.size(); i++) {
      if (f.lines.get(i).parsed) {
        f.firstSeq = f.lines.get(i).seq - i;
        break;
      }
    }
    return f;
  }

  private static Line parse(Path file, long lineNo, byte[] bytes) {
    Line l = new Line();
    l.file = file;
    l.lineNo = lineNo;
    l.hash = Digests.sha256Hex(bytes);
    try {
      JsonNode n = AuditJson.MAPPER.readTree(bytes);
      if (n != null && n.isObject() && n.path("seq").isIntegralNumber() && n.path("prev").isTextual()
          && n.path("hash").isTextual()) {
        l.seq = n.get("seq").asLong();
        l.prev = n.get("prev").asText();
        l.parsed = true;
        l.hashOk = hashOk(bytes, n.get("hash").asText());
      }
    } catch (IOException e) {
      l.parsed = false;
    }
    return l;
  }

  private static boolean hashOk(byte[] line, String hash) {
    int n = line.length;
    if (n < JsonLinesSink.HASH_SUFFIX + 2) {
      return false;
    }
    String suffix = new String(line, n - JsonLinesSink.HASH_SUFFIX, JsonLinesSink.HASH_SUFFIX, StandardCharsets.ISO_8859_1);
    if (!suffix.equals(",\"hash\":\"" + hash + "\"}")) {
      return false;
    }
    byte[] body = Arrays.copyOf(line, n - JsonLinesSink.HASH_SUFFIX + 1);
    body[body.length - 1] = '}';
    return Digests.sha256Hex(body).equals(hash);
  }
}
