package dev.remit.internal.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.remit.Constraint;
import dev.remit.CredentialSpec;
import dev.remit.Grant;
import dev.remit.Scope;
import dev.remit.TimeWindow;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DayOfWeek;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Writes grants and scopes as compact JSON in the form a policy document gives them
 * ({@code docs/policy-format.md}), keys in the order the format lists them, absent and default
 * values left out, so that {@link GrantReader} reads back an equal value.
 */
public final class GrantWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private GrantWriter() {}

  /** Returns {@code g} as a JSON object. */
  public static String grant(Grant g) {
    return write(w -> grant(w, g));
  }

  /** Returns {@code scopes} as a JSON array. */
  public static String scopes(List<Scope> scopes) {
    return write(w -> {
      w.writeStartArray();
      for (Scope s : scopes) {
        scope(w, s);
      }
      w.writeEndArray();
    });
  }

  private interface Body {
    void write(JsonGenerator w) throws IOException;
  }

  private static String write(Body body) {
    StringWriter s = new StringWriter();
    try (JsonGenerator w = JSON.createGenerator(s)) {
      body.write(w);
    } catch (IOException e) {
      // a StringWriter does not fail
      throw new UncheckedIOException(e);
    }
    return s.toString();
  }

  private static void grant(JsonGenerator w, Grant g) throws IOException {
    w.writeStartObject();
    w.writeStringField("id", g.id());
    optional(w, "principal", g.principal());
    optional(w, "parent", g.parent());
    w.writeStringField("holder", g.holder());
    optional(w, "task", g.task());
    w.writeArrayFieldStart("scopes");
    for (Scope s : g.scopes()) {
      scope(w, s);
    }
    w.writeEndArray();
    constraints(w, g.constraints());
    if (g.notBefore() != null) {
      w.writeStringField("not_before", g.notBefore().toString());
    }
    w.writeStringField("expires_at", g.expiresAt().toString());
    if (g.window() != null) {
      window(w, g.window());
    }
    if (g.maxCalls() != Grant.UNLIMITED) {
      w.writeNumberField("max_calls", g.maxCalls());
    }
    if (g.credential() != null) {
      CredentialSpec c = g.credential();
      w.writeObjectFieldStart("credential");
      w.writeStringField("audience", c.audience());
      if (!c.scopes().isEmpty()) {
        strings(w, "scopes", c.scopes());
      }
      w.writeStringField("ttl", c.ttl().toString());
      w.writeEndObject();
    }
    w.writeEndObject();
  }

  private static void scope(JsonGenerator w, Scope s) throws IOException {
    w.writeStartObject();
    strings(w, "tools", s.tools());
    strings(w, "operations", s.operations());
    strings(w, "resources", s.resources());
    constraints(w, s.constraints());
    w.writeEndObject();
  }

  private static void window(JsonGenerator w, TimeWindow t) throws IOException {
    w.writeObjectFieldStart("window");
    w.writeStringField("start", t.start().toString());
    w.writeStringField("end", t.end().toString());
    w.writeStringField("zone", t.zone().getId());
    if (!t.days().containsAll(EnumSet.allOf(DayOfWeek.class))) {
      w.writeArrayFieldStart("days");
      for (DayOfWeek d : DayOfWeek.values()) {
        if (t.days().contains(d)) {
          w.writeString(d.name().substring(0, 3).toLowerCase(Locale.ROOT));
        }
      }
      w.writeEndArray();
    }
    w.writeEndObject();
  }

  private static void constraints(JsonGenerator w, List<Constraint> cs) throws IOException {
    if (cs.isEmpty()) {
      return;
    }
    w.writeArrayFieldStart("constraints");
    for (Constraint c : cs) {
      w.writeString(c.toString());
    }
    w.writeEndArray();
  }

  private static void strings(JsonGenerator w, String key, List<String> values) throws IOException {
    w.writeArrayFieldStart(key);
    for (String v : values) {
      w.writeString(v);
    }
    w.writeEndArray();
  }

  private static void optional(JsonGenerator w, String key, String value) throws IOException {
    if (value != null) {
      w.writeStringField(key, value);
    }
  }
}
