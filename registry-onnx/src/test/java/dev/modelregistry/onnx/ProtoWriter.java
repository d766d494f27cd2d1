package dev.modelregistry.onnx;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;

/**
 * A minimal protocol buffers encoder: enough of the wire format to write ONNX {@code ModelProto} bytes by
 * hand. Fields are written in the order they are added, so the same calls give the same bytes. Not
 * thread-safe.
 *
 * <p>Wire format (protobuf encoding guide): each field is a key {@code (field_number << 3) | wire_type}
 * written as a varint, then the value: type 0 a varint (int32, int64, enum; negative numbers take ten
 * bytes, two's complement), type 2 a varint length and that many bytes (strings, bytes, embedded
 * messages, packed repeated fields), type 5 four little-endian bytes (float).
 */
final class ProtoWriter {

  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** An int32, int64 or enum field. */
  ProtoWriter varint(int field, long value) {
    key(field, VARINT);
    rawVarint(value);
    return this;
  }

  /** A float field. */
  ProtoWriter fixed32(int field, float value) {
    key(field, FIXED32);
    int bits = Float.floatToIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write((bits >>> (8 * i)) & 0xFF);
    }
    return this;
  }

  /** A bytes field. */
  ProtoWriter bytes(int field, byte[] value) {
    key(field, LENGTH_DELIMITED);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** A string field, UTF-8. */
  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(UTF_8));
  }

  /** An embedded message field. */
  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  /** The bytes written so far. */
  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void key(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  /** Seven bits at a time, least significant group first, the high bit set on all but the last byte. */
  private void rawVarint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
