package dev.modelregistry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The one JSON mapper of the core and the helpers that read fields with clear messages. Thread-safe.
 *
 * <p>Parsing is strict where leniency would let a file mean two things: a field given twice ({@code
 * {"version": "v2", "version": "v3"}}) and content after the value ({@code {"version": "v2"}{"version":
 * "v3"}}) are refused, since one reader would take the first and another the last.
 */
final class Json {

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private Json() {}

  /**
   * Parses {@code content} as a JSON object.
   *
   * @throws IllegalArgumentException saying which file is not a JSON object and why
   */
  static ObjectNode object(String what, byte[] content) {
    JsonNode node = tree(what, content);
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException(what + " must be a JSON object but is " + describe(node));
    }
    return object;
  }

  /** Parses {@code content} as any JSON value. */
  static JsonNode tree(String what, byte[] content) {
    if (content.length == 0) {
      throw new IllegalArgumentException(what + " is empty");
    }
    try {
      JsonNode node = MAPPER.readTree(content);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException(what + " is empty");
      }
      return node;
    } catch (MismatchedInputException e) {
      if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
        throw new IllegalArgumentException(what + " has more content after its JSON value, at " + location(e)
            + ": a file holds exactly one JSON value (was it written twice, or appended to?); it is refused", e);
      }
      throw new IllegalArgumentException(
          what + " is not valid JSON: " + e.getOriginalMessage() + " at " + location(e), e);
    } catch (JsonProcessingException e) {
      String message = String.valueOf(e.getOriginalMessage());
      if (message.startsWith("Duplicate field ")) {
        throw new IllegalArgumentException(what + " has the field " + message.substring("Duplicate field ".length())
            + " more than once, at " + location(e) + ": which one is meant is unclear, so it is refused", e);
      }
      throw new IllegalArgumentException(what + " is not valid JSON: " + message + " at " + location(e), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " could not be parsed: " + e.getMessage(), e);
    }
  }

  /** The text of a required string field. */
  static String requiredText(String what, ObjectNode object, String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(what + " has no \"" + field + "\" field");
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException(
          what + ": \"" + field + "\" must be a string but is " + describe(node));
    }
    return node.textValue();
  }

  /** The text of an optional field (numbers and booleans are turned into text), or null. */
  static @Nullable String optionalText(String what, ObjectNode object, String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isValueNode()) {
      throw new IllegalArgumentException(
          what + ": \"" + field + "\" must be a string but is " + describe(node));
    }
    return node.asText();
  }

  /** Serializes a tree. */
  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "the string " + node;
      case NUMBER -> "the number " + node;
      case BOOLEAN -> "the boolean " + node;
      case NULL -> "null";
      default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? "unknown position"
        : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }
}
