package dev.remit.internal.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import dev.remit.internal.Text;

/**
 * Turns the bytes of a YAML or JSON policy document into a tree, defensively.
 *
 * <p>Every scalar becomes a text node holding the scalar as written ({@code 17:00}, {@code yes} and
 * {@code 0x10} stay strings; the mapper parses numbers where it expects them), so YAML 1.1 implicit
 * typing never changes a value behind the author's back. Nulls stay nulls. Duplicate keys are
 * reported with their path. YAML anchors and aliases are rejected (Jackson would read an alias as
 * the anchor's name, not its value). More than one document and nesting deeper than
 * {@link #MAX_DEPTH} are rejected; syntax errors stop reading and are reported with their line and
 * column.
 */
final class PolicySyntax {
  /** Largest document accepted, in bytes. */
  static final int MAX_BYTES = 16 * 1024 * 1024;
  /** Deepest nesting of maps and lists accepted; real policies need about six levels. */
  static final int MAX_DEPTH = 32;
  /** Nesting at which the parsers themselves give up, should this class's own check not. */
  private static final int PARSER_MAX_DEPTH = MAX_DEPTH + 8;

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(constraints())
      .build();
  private static final YAMLFactory YAML = YAMLFactory.builder()
      // `owner:` with nothing after it is null (absent), as docs/policy-format.md says; a quoted
      // "" stays an empty string
      .enable(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.EMPTY_STRING_AS_NULL)
      .loaderOptions(loaderOptions())
      .streamReadConstraints(constraints())
      .build();

  private final PolicyProblems out;
  private final boolean yaml;
  private boolean anchorReported;

  private PolicySyntax(PolicyProblems out, boolean yaml) {
    this.out = out;
    this.yaml = yaml;
  }

  private static StreamReadConstraints constraints() {
    return StreamReadConstraints.builder()
        .maxNestingDepth(PARSER_MAX_DEPTH)
        .maxDocumentLength(MAX_BYTES)
        .maxStringLength(MAX_BYTES)
        .maxNameLength(Text.MAX_NAME)
        .build();
  }

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    // aliases are rejected below; these limits stop the YAML layer itself before that
    o.setMaxAliasesForCollections(10);
    o.setNestingDepthLimit(PARSER_MAX_DEPTH);
    o.setCodePointLimit(MAX_BYTES);
    o.setAllowRecursiveKeys(false);
    return o;
  }

  /** Returns whether a document should be read as JSON: by name, else by its first character. */
  static boolean looksLikeJson(String sourceName, byte[] bytes) {
    String lower = sourceName.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".json")) {
      return true;
    }
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return false;
    }
    int i = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB
        && bytes[2] == (byte) 0xBF ? 3 : 0;
    for (; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
        continue;
      }
      return b == '{';
    }
    return false;
  }

  /**
   * Returns the document's tree, or null if it could not be read (the reason is in {@code out}).
   */
  static JsonNode parse(byte[] bytes, boolean json, PolicyProblems out) {
    return parse(bytes, json, "", null, out);
  }

  /**
   * Returns the tree of a document, or of a fragment of one, or null if it could not be read (the
   * reason is in {@code out}, at {@code root} or below).
   *
   * @param root the path of the text's top value in problems: "" for a whole document
   * @param fragment what a fragment holds, e.g. "a grant: a map with keys such as id, holder and
   *     scopes", or null for a whole policy document
   */
  static JsonNode parse(byte[] bytes, boolean json, String root, String fragment, PolicyProblems out) {
    PolicySyntax s = new PolicySyntax(out, !json);
    String kind = json ? "JSON" : "YAML";
    try (JsonParser p = json ? JSON.createParser(bytes) : YAML.createParser(bytes)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        out.add(root, "the document is empty", fragment == null
            ? "a policy is a " + kind + " map with keys such as agents, tools and grants" : "write " + fragment);
        return null;
      }
      JsonNode tree = s.value(p, root, 0);
      if (p.nextToken() != null) {
        out.add(root, (fragment == null ? "the file" : "the text") + " holds more than one " + kind + " document",
            fragment == null ? "keep one policy per file" : "write " + fragment + ", once");
      }
      return tree;
    } catch (TooDeep e) {
      return null;
    } catch (StreamConstraintsException e) {
      out.add(root, kind + " document exceeds a limit" + describe(e), null);
      return null;
    } catch (JsonProcessingException e) {
      out.add(root, kind + " syntax error" + describe(e), null);
      return null;
    } catch (IOException | RuntimeException e) {
      // snakeyaml reports some limits (code points, nesting) with unchecked exceptions
      out.add(root, "cannot read the " + kind + " document: " + firstLine(String.valueOf(e.getMessage())), null);
      return null;
    }
  }

  /** Returns " at line L, column C: what was expected and found", from either parser. */
  private static String describe(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException) {
      MarkedYAMLException y = (MarkedYAMLException) e.getCause();
      Mark m = y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
      String at = m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
      String problem = y.getProblem() == null ? "" : y.getProblem();
      String context = y.getContext() == null ? "" : " (" + y.getContext() + ")";
      return at + ": " + firstLine(problem.isEmpty() ? y.getMessage() : problem) + context;
    }
    String message = firstLine(e.getOriginalMessage());
    // limit messages name Jackson's configuration API, which means nothing to a policy author
    int api = message.indexOf(", from `");
    if (api > 0) {
      message = message.substring(0, api) + ")";
    }
    return where(e.getLocation()) + ": " + message;
  }

  /** Thrown to stop reading a document that nests too deeply (already reported). */
  private static final class TooDeep extends RuntimeException {
    TooDeep() {
      super(null, null, false, false);
    }
  }

  private JsonNode value(JsonParser p, String path, int depth) throws IOException {
    JsonToken t = p.currentToken();
    if (yaml) {
      YAMLParser y = (YAMLParser) p;
      boolean alias = y.isCurrentAlias();
      String what = alias ? "the YAML alias '*" + y.getText() + "'"
          : y.getObjectId() != null ? "the YAML anchor '&" + y.getObjectId() + "'" : null;
      if (what != null && !anchorReported) {
        // one report is enough: a document with anchors usually has many
        anchorReported = true;
        out.add(path, "uses " + what + where(p.currentTokenLocation()),
            "anchors and aliases are not supported; write each value out in full");
      }
      if (alias) {
        // Jackson reads an alias as the anchor's name; null keeps that from echoing as a type problem
        return JsonNodeFactory.instance.nullNode();
      }
    }
    switch (t) {
      case START_OBJECT:
        if (depth >= MAX_DEPTH) {
          return tooDeep(p, path);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          JsonLocation keyAt = p.currentTokenLocation();
          p.nextToken();
          String at = PolicyProblems.child(path, key);
          JsonNode v = value(p, at, depth + 1);
          if (o.has(key)) {
            out.add(at, "duplicate key '" + PolicyProblems.printable(key) + "'" + where(keyAt),
                "each key may appear once in a map");
          } else {
            o.set(key, v);
          }
        }
        return o;
      case START_ARRAY:
        if (depth >= MAX_DEPTH) {
          return tooDeep(p, path);
        }
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(value(p, path + "[" + i++ + "]", depth + 1));
        }
        return a;
      case VALUE_NULL:
        return JsonNodeFactory.instance.nullNode();
      default:
        return JsonNodeFactory.instance.textNode(p.getText());
    }
  }

  private JsonNode tooDeep(JsonParser p, String path) {
    out.add(path, "nests maps and lists more than " + MAX_DEPTH + " levels deep"
        + where(p.currentTokenLocation()), null);
    throw new TooDeep();
  }

  private static String where(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
