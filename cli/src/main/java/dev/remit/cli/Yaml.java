package dev.remit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Shared Jackson mappers. */
final class Yaml {
  /** Reads YAML, and so JSON too (JSON is YAML); rejects duplicate keys. */
  static final ObjectMapper TREE = new ObjectMapper(new YAMLFactory())
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Writes and converts JSON. */
  static final ObjectMapper JSON = new ObjectMapper();

  private Yaml() {}
}
