package dev.modelregistry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bucketing is Unleash's: checked against the cases of Unleash's client specification (extracted by
 * {@code unleash/extract_unleash_vectors.py}) and against buckets computed by the SDKs' own code for 700 unit
 * ids, 200 of them non-ASCII ({@code unleash/generate_sdk_vectors.sh}).
 */
class BucketsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void gradualRolloutsAgreeWithTheClientSpecification() throws IOException {
    JsonNode spec = read("/unleash/unleash-vectors.json");
    assertThat(spec.get("rollouts")).isNotEmpty();
    for (JsonNode c : spec.get("rollouts")) {
      int bucket = Buckets.percentBucket(Buckets.Prefix.of(c.get("group").asText(), 0), c.get("unit").asText());
      assertThat(bucket <= c.get("percent").asInt()).as(c.get("description").asText()).isEqualTo(c.get("expected").asBoolean());
    }
  }

  @Test
  void variantsAgreeWithTheClientSpecification() throws IOException {
    JsonNode spec = read("/unleash/unleash-vectors.json");
    assertThat(spec.get("variants")).isNotEmpty();
    for (JsonNode c : spec.get("variants")) {
      List<String> names = new ArrayList<>();
      List<Integer> weights = new ArrayList<>();
      int total = 0;
      for (JsonNode v : c.get("variants")) {
        names.add(v.get("name").asText());
        weights.add(v.get("weight").asInt());
        total += v.get("weight").asInt();
      }
      int target = Buckets.variantTarget(
          Buckets.Prefix.of(c.get("group").asText(), Buckets.VARIANT_SEED), c.get("unit").asText(), total);
      int counter = 0;
      String chosen = null;
      for (int i = 0; i < names.size(); i++) {
        counter += weights.get(i);
        if (weights.get(i) > 0 && counter >= target) {
          chosen = names.get(i);
          break;
        }
      }
      assertThat(chosen).as(c.get("description").asText()).isEqualTo(c.get("expected").asText());
    }
  }

  @Test
  void bucketsAgreeWithTheSdksForAsciiAndUtf8Ids() throws IOException {
    JsonNode sdk = read("/unleash/sdk-vectors.json");
    int checked = 0;
    for (String set : List.of("ascii", "utf8")) {
      for (JsonNode c : sdk.get(set)) {
        String unit = c.get("unit").asText();
        assertThat(Buckets.percentBucket(Buckets.Prefix.of(c.get("group").asText(), 0), unit))
            .as("%s bucket of %s", set, unit).isEqualTo(c.get("bucket").asInt());
        assertThat(Buckets.variantTarget(Buckets.Prefix.of("rec_algorithm_v1", Buckets.VARIANT_SEED), unit, 100))
            .as("%s variant target of %s", set, unit).isEqualTo(c.get("variant100").asInt());
        checked++;
      }
    }
    assertThat(checked).isEqualTo(700);
  }

  @Test
  void theStreamingHashEqualsTheHashOfTheUtf8Bytes() {
    String[] units = {"", "a", "ab", "abc", "abcd", "abcde", "Jürgen", "用户", "🙂", "\ud800x", "x\udc00"};
    for (String group : new String[] {"", "g", "t20_win_predictor", "grüppe"}) {
      for (String unit : units) {
        byte[] bytes = (group + ":" + unit).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Buckets.hash(Buckets.Prefix.of(group, 7), unit)).as("%s:%s", group, unit)
            .isEqualTo(reference(bytes, 7));
      }
    }
  }

  /** A plain murmur3_x86_32 over bytes, written from the reference algorithm. */
  static int reference(byte[] data, int seed) {
    int h1 = seed;
    int n = data.length & ~3;
    for (int i = 0; i < n; i += 4) {
      int k1 = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
      k1 *= 0xcc9e2d51;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= 0x1b873593;
      h1 ^= k1;
      h1 = Integer.rotateLeft(h1, 13);
      h1 = h1 * 5 + 0xe6546b64;
    }
    int k1 = 0;
    switch (data.length & 3) {
      case 3:
        k1 ^= (data[n + 2] & 0xff) << 16;
      // fall through
      case 2:
        k1 ^= (data[n + 1] & 0xff) << 8;
      // fall through
      case 1:
        k1 ^= data[n] & 0xff;
        k1 *= 0xcc9e2d51;
        k1 = Integer.rotateLeft(k1, 15);
        k1 *= 0x1b873593;
        h1 ^= k1;
      // fall through
      default:
    }
    h1 ^= data.length;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }

  private static JsonNode read(String resource) throws IOException {
    try (InputStream in = BucketsTest.class.getResourceAsStream(resource)) {
      return JSON.readTree(in);
    }
  }
}
