package dev.modelregistry.trees;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an XGBoost JSON model into the same values {@link Ubjson} produces. Stateless and thread-safe.
 *
 * <p>Numbers keep their text's exact rounding to float and to double ({@link Num}); arrays of numbers become
 * a {@link NumArray}. Nesting is limited to {@value Ubjson#MAX_DEPTH} levels.
 */
final class JsonDocuments {

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(Ubjson.MAX_DEPTH)
          .maxNumberLength(400)
          .build())
      .build();

  private JsonDocuments() {}

  static Map<String, Object> read(String file, byte[] content) {
    try (JsonParser parser = FACTORY.createParser(content)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException(file + " is not a JSON model: it must start with an object");
      }
      Map<String, Object> top = object(parser);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException(file + " is not a JSON model: content follows the top-level object");
      }
      return top;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
    }
  }

  private static Map<String, Object> object(JsonParser parser) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      Object value = value(parser, parser.nextToken());
      if (map.put(key, value) != null) {
        throw new IOException("the key \"" + key + "\" appears twice in one object");
      }
    }
    return map;
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> array(parser);
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(parser.getText());
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> "null";
      default -> throw new IOException("unexpected " + token);
    };
  }

  private static Object array(JsonParser parser) throws IOException {
    double[] values = new double[16];
    float[] floats = new float[16];
    int n = 0;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      if (n == values.length) {
        values = Arrays.copyOf(values, n * 2);
        floats = Arrays.copyOf(floats, n * 2);
      }
      Num num = number(parser.getText());
      values[n] = num.value();
      floats[n++] = num.asFloat();
    }
    if (token == JsonToken.END_ARRAY) {
      return new NumArray(Arrays.copyOf(values, n), Arrays.copyOf(floats, n));
    }
    List<Object> list = new ArrayList<>(n + 4);
    for (int i = 0; i < n; i++) {
      list.add(new Num(values[i], floats[i]));
    }
    while (token != JsonToken.END_ARRAY) {
      if (token == null) {
        throw new IOException("the document ends inside an array");
      }
      list.add(value(parser, token));
      token = parser.nextToken();
    }
    return list;
  }

  private static Num number(String text) {
    return new Num(Double.parseDouble(text), Float.parseFloat(text));
  }
}
