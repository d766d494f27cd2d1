package dev.modelregistry.spi;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The answer to {@link ModelStore#read}: the content and its tag, missing, or not modified. Immutable.
 */
public final class ObjectRead {

  /** What the store answered. */
  public enum Status {
    /** The object exists; {@link #content()} and {@link #tag()} are set. */
    FOUND,
    /** No object has the key. */
    MISSING,
    /** The object still has the tag given as {@code ifNoneMatch}; no content was transferred. */
    NOT_MODIFIED
  }

  private static final ObjectRead MISSING = new ObjectRead(Status.MISSING, null, null);
  private static final ObjectRead NOT_MODIFIED = new ObjectRead(Status.NOT_MODIFIED, null, null);

  private final Status status;
  private final byte @Nullable [] content;
  private final @Nullable String tag;

  private ObjectRead(Status status, byte @Nullable [] content, @Nullable String tag) {
    this.status = status;
    this.content = content;
    this.tag = tag;
  }

  /** The object exists with this content; {@code tag} changes whenever the content does (an ETag, a hash). */
  public static ObjectRead found(byte[] content, String tag) {
    return new ObjectRead(Status.FOUND, requireNonNull(content, "content").clone(), requireNonNull(tag, "tag"));
  }

  /** No object has the key. */
  public static ObjectRead missing() {
    return MISSING;
  }

  /** The object is unchanged since the read that returned the tag passed as {@code ifNoneMatch}. */
  public static ObjectRead notModified() {
    return NOT_MODIFIED;
  }

  /** What the store answered. */
  public Status status() {
    return status;
  }

  /**
   * The content.
   *
   * @throws IllegalStateException unless the status is {@link Status#FOUND}
   */
  public byte[] content() {
    if (content == null) {
      throw new IllegalStateException("no content: the object is " + status);
    }
    return content.clone();
  }

  /**
   * The tag of the content.
   *
   * @throws IllegalStateException unless the status is {@link Status#FOUND}
   */
  public String tag() {
    if (tag == null) {
      throw new IllegalStateException("no tag: the object is " + status);
    }
    return tag;
  }

  @Override
  public String toString() {
    return status == Status.FOUND
        ? "FOUND(" + requireNonNull(content).length + " bytes, tag " + tag + ")"
        : status.toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ObjectRead other
        && status == other.status
        && Arrays.equals(content, other.content)
        && java.util.Objects.equals(tag, other.tag);
  }

  @Override
  public int hashCode() {
    return status.hashCode() * 31 + java.util.Objects.hashCode(tag);
  }
}
