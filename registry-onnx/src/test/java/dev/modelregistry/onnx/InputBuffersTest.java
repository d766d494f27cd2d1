package dev.modelregistry.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class InputBuffersTest {

  private final InputBuffers buffers = new InputBuffers();

  @Test
  void aBufferIsDirectNativeOrderClearedAndLargeEnough() {
    FloatBuffer buffer = buffers.take(768);
    assertThat(buffer.isDirect()).isTrue();
    assertThat(buffer.order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(buffer.capacity()).isEqualTo(1024);
    assertThat(buffer.position()).isZero();
    assertThat(buffer.limit()).isEqualTo(buffer.capacity());
  }

  @Test
  void aReturnedBufferIsReusedByTheNextCallOnTheSameThread() {
    FloatBuffer first = buffers.take(3);
    first.put(new float[] {1, 2, 3}).flip();
    buffers.give(first);
    FloatBuffer second = buffers.take(3);
    assertThat(second).isSameAs(first);
    assertThat(second.position()).isZero();
    assertThat(second.limit()).isEqualTo(second.capacity());
  }

  @Test
  void aBufferTooSmallIsNotHandedOutAndALargerOneReplacesIt() {
    FloatBuffer small = buffers.take(3);
    buffers.give(small);
    FloatBuffer large = buffers.take(600);
    assertThat(large).isNotSameAs(small);
    assertThat(large.capacity()).isGreaterThanOrEqualTo(600);
    buffers.give(large);
    assertThat(buffers.take(500)).isSameAs(large);
  }

  @Test
  void buffersInUseAreNeverSharedBetweenCallers() {
    FloatBuffer a = buffers.take(3);
    FloatBuffer b = buffers.take(3);
    assertThat(a).isNotSameAs(b);
  }

  @Test
  void hugeBatchesTakeAHeapBufferThatIsNotKept() {
    FloatBuffer huge = buffers.take(InputBuffers.MAX_POOLED_FLOATS + 1);
    assertThat(huge.isDirect()).isFalse();
    assertThat(huge.capacity()).isEqualTo(InputBuffers.MAX_POOLED_FLOATS + 1);
    buffers.give(huge);
    assertThat(buffers.take(3).isDirect()).isTrue();
  }
}
