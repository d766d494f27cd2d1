package dev.modelregistry.trees;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded reader of UBJSON (Universal Binary JSON, draft 12), the encoding of XGBoost's {@code .ubj} models,
 * for untrusted input. Not thread-safe; one instance reads one document.
 *
 * <p>Every length and count is checked against the bytes that remain before anything is allocated, so a
 * hostile header cannot make the reader allocate more than a small multiple of the input's size; nesting is
 * limited to {@value #MAX_DEPTH} levels; strings must be valid UTF-8. Numbers in typed arrays ({@code [$d#…})
 * become a {@link NumArray}, other numbers a {@link Num}; objects become maps, other arrays lists.
 */
final class Ubjson {

  static final int MAX_DEPTH = 64;

  private final String file;
  private final ByteBuffer in;

  private Ubjson(String file, byte[] content) {
    this.file = file;
    this.in = ByteBuffer.wrap(content).order(ByteOrder.BIG_ENDIAN);
  }

  /** Reads a document whose top level is an object. */
  static Map<String, Object> read(String file, byte[] content) {
    Ubjson reader = new Ubjson(file, content);
    byte marker = reader.marker();
    if (marker != '{') {
      throw reader.error("the document must start with an object ('{') but starts with " + describe(marker));
    }
    Map<String, Object> top = reader.object(1);
    while (reader.in.hasRemaining()) {
      byte b = reader.in.get();
      if (b != 'N') {
        throw reader.error("unexpected " + describe(b) + " after the top-level object");
      }
    }
    return top;
  }

  private Object value(byte marker, int depth) {
    return switch (marker) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case 'S' -> string();
      case 'H' -> highPrecision();
      case 'C' -> String.valueOf((char) (need(1).get() & 0x7f));
      case 'T' -> Boolean.TRUE;
      case 'F' -> Boolean.FALSE;
      case 'i', 'U', 'I', 'l', 'L', 'd', 'D' -> number(marker);
      default -> throw error("unexpected " + describe(marker) + " where a value was expected");
    };
  }

  private Map<String, Object> object(int depth) {
    checkDepth(depth);
    Map<String, Object> map = new LinkedHashMap<>();
    byte type = 0;
    long count = -1;
    byte next = peek();
    if (next == '$') {
      in.get();
      type = marker();
      if (peek() != '#') {
        throw error("a typed object must give its count ('#') after its type");
      }
    }
    if (peek() == '#') {
      in.get();
      count = length();
      if (count > in.remaining()) {
        throw error("an object claims " + count + " entries but only " + in.remaining() + " bytes remain");
      }
    }
    for (long i = 0; count < 0 || i < count; i++) {
      if (count < 0) {
        byte b = marker();
        if (b == '}') {
          return map;
        }
        in.position(in.position() - 1);
      }
      String key = rawString();
      Object value = value(type != 0 ? type : marker(), depth);
      if (map.put(key, value) != null) {
        throw error("the key \"" + key + "\" appears twice in one object");
      }
    }
    return map;
  }

  private Object array(int depth) {
    checkDepth(depth);
    byte type = 0;
    if (peek() == '$') {
      in.get();
      type = marker();
      if (peek() != '#') {
        throw error("a typed array must give its count ('#') after its type");
      }
    }
    if (peek() == '#') {
      in.get();
      long count = length();
      int size = elementSize(type);
      if (count > in.remaining() / Math.max(size, 1)) {
        throw error("an array claims " + count + " elements of " + Math.max(size, 1) + " bytes but only "
            + in.remaining() + " bytes remain");
      }
      if (size > 0 && type != 'C') {
        return numbers(type, (int) count);
      }
      List<Object> list = new ArrayList<>((int) Math.min(count, 1024));
      for (long i = 0; i < count; i++) {
        list.add(value(type != 0 ? type : marker(), depth));
      }
      return list;
    }
    List<Object> list = new ArrayList<>();
    while (true) {
      byte b = marker();
      if (b == ']') {
        return list;
      }
      list.add(value(b, depth));
    }
  }

  private NumArray numbers(byte type, int count) {
    double[] values = new double[count];
    float[] floats = new float[count];
    for (int i = 0; i < count; i++) {
      if (type == 'd') {
        float f = in.getFloat();
        floats[i] = f;
        values[i] = f;
      } else {
        double d = type == 'D' ? in.getDouble() : integer(type);
        values[i] = d;
        floats[i] = (float) d;
      }
    }
    return new NumArray(values, floats);
  }

  private Num number(byte type) {
    need(elementSize(type));
    if (type == 'd') {
      float f = in.getFloat();
      return new Num(f, f);
    }
    if (type == 'D') {
      double d = in.getDouble();
      return new Num(d, (float) d);
    }
    long n = integer(type);
    return new Num(n, n);
  }

  private long integer(byte type) {
    return switch (type) {
      case 'i' -> in.get();
      case 'U' -> in.get() & 0xff;
      case 'I' -> in.getShort();
      case 'l' -> in.getInt();
      case 'L' -> in.getLong();
      default -> throw error("expected an integer type but found " + describe(type));
    };
  }

  private static int elementSize(byte type) {
    return switch (type) {
      case 'i', 'U', 'C' -> 1;
      case 'I' -> 2;
      case 'l', 'd' -> 4;
      case 'L', 'D' -> 8;
      default -> 0;
    };
  }

  /** A count or length: an integer of any type, not negative. */
  private long length() {
    byte type = marker();
    if (elementSize(type) == 0 || type == 'd' || type == 'D' || type == 'C') {
      throw error("expected an integer length but found " + describe(type));
    }
    need(elementSize(type));
    long n = integer(type);
    if (n < 0) {
      throw error("a length must not be negative but is " + n);
    }
    return n;
  }

  private String string() {
    return rawString();
  }

  private Num highPrecision() {
    String text = rawString();
    try {
      return new Num(Double.parseDouble(text), Float.parseFloat(text));
    } catch (NumberFormatException e) {
      throw error("a high-precision number must be a decimal number but is \"" + text + "\"");
    }
  }

  private String rawString() {
    long length = length();
    if (length > in.remaining()) {
      throw error("a string claims " + length + " bytes but only " + in.remaining() + " remain");
    }
    ByteBuffer bytes = in.slice();
    bytes.limit((int) length);
    in.position(in.position() + (int) length);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw error("a string is not valid UTF-8");
    }
  }

  /** The next marker, skipping no-ops. */
  private byte marker() {
    byte b;
    do {
      b = need(1).get();
    } while (b == 'N');
    return b;
  }

  private byte peek() {
    need(1);
    return in.get(in.position());
  }

  private ByteBuffer need(int bytes) {
    if (in.remaining() < bytes) {
      throw error("the document ends early (needed " + bytes + " more bytes)");
    }
    return in;
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("objects and arrays are nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(file + " is not a valid UBJSON model: " + what + " (at byte "
        + in.position() + ")");
  }

  private static String describe(byte b) {
    return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b & 0xff);
  }
}
