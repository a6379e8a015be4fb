package dev.remit.internal.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.remit.AuditFormat;
import dev.remit.AuditRecord;
import dev.remit.spi.AuditSink;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;

/**
 * JSON Lines file sink with a SHA-256 hash chain and size/time rotation.
 *
 * <p>Each line is {@code {"seq":N,"prev":"<hex>",...record...,"hash":"<hex>"}}: {@code prev} is
 * the SHA-256 of the predecessor's line bytes (without the newline; 64 zeros for the first
 * record of a chain), {@code hash} the SHA-256 of this line with the {@code ,"hash":"…"} member
 * removed. Files are {@code P}, {@code P.1}, {@code P.2}…; the first record of a new file links to
 * the last record of the previous one. On start the sink continues the chain of the newest
 * existing file; if that file ends in a partial line (a crash), it starts the next file instead.
 * After an I/O error it does the same for the next record: records lost in the failure then show
 * up in {@code verify} as missing, never as a torn line in the middle of a file.
 */
public final class JsonLinesSink implements AuditSink {
  /** Length of {@code ,"hash":"<64 hex>"}} at the end of every line. */
  public static final int HASH_SUFFIX = 9 + 64 + 2;

  private final Path base;
  private final long maxBytes;
  private final Duration rotateEvery;
  private final AuditFormat format;
  private final boolean sync;
  private final Clock clock;
  private int index;
  private long seq;
  private String prev;
  private FileOutputStream file;
  private OutputStream out;
  private long bytes;
  private long openedAt;
  /** Set after an I/O error: the current file may end in a torn line, so the next write starts a new file. */
  private boolean broken;
  private final LineBuffer line = new LineBuffer();

  public JsonLinesSink(Path base, long maxBytes, Duration rotateEvery, AuditFormat format, boolean sync,
      Clock clock) {
    this.base = base.toAbsolutePath();
    this.maxBytes = maxBytes;
    this.rotateEvery = rotateEvery;
    this.format = format;
    this.sync = sync;
    this.clock = clock;
    try {
      recover();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open audit log " + base, e);
    }
  }

  /** Returns the path of the file with the given rotation index. */
  public static Path fileFor(Path base, int index) {
    return index == 0 ? base : base.resolveSibling(base.getFileName() + "." + index);
  }

  /** Returns the file written to now. */
  public Path currentFile() {
    return fileFor(base, index);
  }

  private void recover() throws IOException {
    int newest = 0;
    while (Files.exists(fileFor(base, newest + 1))) {
      newest++;
    }
    seq = 0;
    prev = Digests.GENESIS;
    boolean partial = false;
    // walk back to the newest file holding a complete line
    for (int i = newest; i >= 0; i--) {
      Path p = fileFor(base, i);
      if (!Files.exists(p) || Files.size(p) == 0) {
        continue;
      }
      byte[] last = lastCompleteLine(p);
      if (i == newest) {
        partial = endsPartial(p);
      }
      if (last != null) {
        JsonNode n = AuditJson.MAPPER.readTree(last);
        seq = n.path("seq").asLong() + 1;
        prev = Digests.sha256Hex(last);
        break;
      }
    }
    index = newest;
    boolean newestHasData = Files.exists(fileFor(base, newest)) && Files.size(fileFor(base, newest)) > 0;
    if (partial) {
      index = newest + 1; // never append after a torn line: it would look like tampering
    }
    open(partial || !newestHasData ? 0 : Files.size(fileFor(base, index)));
  }

  private static boolean endsPartial(Path p) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      if (f.length() == 0) {
        return false;
      }
      f.seek(f.length() - 1);
      return f.read() != '\n';
    }
  }

  private static byte[] lastCompleteLine(Path p) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      long end = lastNewlineBefore(f, f.length());
      if (end < 0) {
        return null;
      }
      long start = lastNewlineBefore(f, end) + 1;
      long n = end - start;
      if (n > Integer.MAX_VALUE - 16) {
        throw new IOException("last line of " + p + " is too long (" + n + " bytes)");
      }
      byte[] line = new byte[(int) n];
      f.seek(start);
      f.readFully(line);
      return line;
    }
  }

  /** Returns the offset of the last newline before {@code limit}, or -1; reads backwards in chunks. */
  private static long lastNewlineBefore(RandomAccessFile f, long limit) throws IOException {
    byte[] buf = new byte[1 << 16];
    long pos = limit;
    while (pos > 0) {
      int n = (int) Math.min(buf.length, pos);
      pos -= n;
      f.seek(pos);
      f.readFully(buf, 0, n);
      for (int i = n - 1; i >= 0; i--) {
        if (buf[i] == '\n') {
          return pos + i;
        }
      }
    }
    return -1;
  }

  private void open(long existing) throws IOException {
    Path p = currentFile();
    if (p.getParent() != null) {
      Files.createDirectories(p.getParent());
    }
    file = new FileOutputStream(p.toFile(), true);
    out = new BufferedOutputStream(file, 1 << 16);
    bytes = existing;
    openedAt = clock.millis();
  }

  @Override
  public void write(AuditRecord record) throws IOException {
    // one reused buffer: {"seq":N,"prev":"…",…record…} is generated into it, hashed, then its
    // closing brace is replaced by ,"hash":"…"}\n and the whole line goes to the file
    line.reset();
    try (JsonGenerator g = AuditJson.MAPPER.getFactory().createGenerator(line)) {
      g.writeStartObject();
      g.writeNumberField("seq", seq);
      g.writeStringField("prev", prev);
      AuditJson.writeFields(g, record, format);
      g.writeEndObject();
    }
    // hash = SHA-256 of the body; the next record's prev = SHA-256 of this line without its
    // newline. Both start with the body minus its closing brace, so that prefix is hashed once
    // and the digest state is cloned: one pass over the record instead of two.
    int body = line.size();
    MessageDigest md = Digests.sha256();
    md.update(line.array(), 0, body - 1);
    MessageDigest linePrefix = Digests.copy(md);
    md.update((byte) '}');
    String hash = Digests.hex(md.digest());
    line.truncate(body - 1);
    line.writeAscii(",\"hash\":\"");
    line.writeAscii(hash);
    line.writeAscii("\"}\n");
    int len = line.size();
    String next;
    if (linePrefix != null) {
      linePrefix.update(line.array(), body - 1, len - body); // the suffix without the newline
      next = Digests.hex(linePrefix.digest());
    } else {
      next = Digests.sha256Hex(line.array(), 0, len - 1);
    }
    if (broken) {
      restartAfterError();
    } else if (bytes > 0 && ((maxBytes > 0 && bytes + len > maxBytes)
        || (rotateEvery != null && clock.millis() - openedAt >= rotateEvery.toMillis()))) {
      rotate();
    }
    try {
      out.write(line.array(), 0, len);
    } catch (Throwable e) { // an error mid-write (even out of memory) may leave a torn line too
      broken = true;
      throw e;
    }
    bytes += len;
    prev = next;
    seq++;
  }

  /** A growable byte buffer the sink reuses for every line (the writer thread is its only user). */
  static final class LineBuffer extends OutputStream {
    private byte[] buf = new byte[1024];
    private int count;

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    void writeAscii(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[count++] = (byte) s.charAt(i);
      }
    }

    private void ensure(int more) {
      if (count + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
      }
    }

    void reset() {
      count = 0;
      if (buf.length > 1 << 20) { // one huge record must not pin a huge buffer for ever
        buf = new byte[1024];
      }
    }

    void truncate(int size) {
      count = size;
    }

    int size() {
      return count;
    }

    byte[] array() {
      return buf;
    }
  }

  private void restartAfterError() throws IOException {
    try {
      out.close();
    } catch (IOException ignored) {
      // the stream already failed; the error was reported when it happened
    }
    openNext();
    broken = false;
  }

  private void rotate() throws IOException {
    try {
      closeFile();
    } catch (Throwable e) {
      broken = true; // the old file may end in a torn line: the next write starts a new file
      throw e;
    }
    openNext();
  }

  /**
   * Opens the file after the current one. If it cannot be opened the index stays where it was and
   * the sink is marked broken, so the next write retries the same file number: a skipped number
   * would hide every later file from recovery on restart (it looks for P.1, P.2… without gaps),
   * which would then continue the chain in an older file and fork it.
   */
  private void openNext() throws IOException {
    index++;
    try {
      open(0);
    } catch (IOException | RuntimeException e) {
      index--;
      broken = true;
      throw e;
    }
  }

  @Override
  public void flush() throws IOException {
    if (broken) {
      return;
    }
    try {
      out.flush();
    } catch (Throwable e) {
      broken = true;
      throw e;
    }
    if (sync) {
      file.getFD().sync();
    }
  }

  @Override
  public void close() throws IOException {
    closeFile();
  }

  private void closeFile() throws IOException {
    if (broken) {
      out.close();
      return;
    }
    out.flush();
    if (sync) {
      file.getFD().sync();
    }
    out.close();
  }
}
