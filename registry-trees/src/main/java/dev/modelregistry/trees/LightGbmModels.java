package dev.modelregistry.trees;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads LightGBM text models ({@code model.txt}, versions v2 to v4) into a {@link LightGbmEnsemble}.
 * Stateless and thread-safe.
 *
 * <p>Supported objectives: {@code binary}, {@code cross_entropy}, {@code multiclass}, {@code
 * multiclassova}, {@code regression} (and {@code regression_l1}, {@code huber}, {@code fair}, {@code
 * quantile}, {@code mape}), {@code poisson}, {@code gamma}, {@code tweedie}, {@code lambdarank}, {@code
 * rank_xendcg}; {@code average_output} (random forest) models. Refused ({@link UnsupportedModelException}):
 * categorical splits, linear trees, {@code sqrt} regression, other objectives.
 */
final class LightGbmModels {

  private static final Set<String> IDENTITY = Set.of("regression", "regression_l2", "regression_l1", "huber",
      "fair", "quantile", "mape", "lambdarank", "rank_xendcg", "custom", "none");
  private static final Set<String> EXP = Set.of("poisson", "gamma", "tweedie");

  static final int MAX_FEATURES = 100_000_000;
  static final int MAX_LEAVES = 1 << 24;

  private LightGbmModels() {}

  /** Whether {@code head} (the first bytes of a file) starts like a LightGBM text model. */
  static boolean looksLikeModel(byte[] head) {
    String text = new String(head, 0, Math.min(head.length, 256), StandardCharsets.ISO_8859_1);
    return text.startsWith("tree\n") || text.startsWith("tree\r\n");
  }

  static LightGbmEnsemble read(String file, byte[] content, TreeEnsembles.Layout layout) {
    String text = new String(content, StandardCharsets.UTF_8);
    String[] lines = text.split("\r?\n", -1);
    if (lines.length == 0 || !lines[0].equals("tree")) {
      throw new IllegalArgumentException(file + " is not a LightGBM text model: its first line must be \"tree\"");
    }
    int i = 1;
    Map<String, String> header = new HashMap<>();
    boolean average = false;
    while (i < lines.length && !lines[i].startsWith("Tree=") && !lines[i].equals("end of trees")) {
      String line = lines[i++];
      if (line.equals("average_output")) {
        average = true;
      } else if (line.equals("linear_tree") || line.startsWith("linear_tree=1")) {
        throw new UnsupportedModelException(file + ": linear trees (linear_tree) are not supported by the pure-Java evaluator");
      }
      int eq = line.indexOf('=');
      if (eq > 0) {
        header.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    int classes = intField(file, "header", header, "num_class", 1, 1_000_000);
    int perIteration = intField(file, "header", header, "num_tree_per_iteration", 1, 1_000_000);
    int width = intField(file, "header", header, "max_feature_idx", 0, MAX_FEATURES - 1) + 1;
    if (perIteration != classes) {
      throw new IllegalArgumentException(file + ": num_tree_per_iteration is " + perIteration + " but num_class is "
          + classes + "; they must be equal");
    }
    String objective = require(file, "header", header, "objective");
    String[] words = objective.strip().split(" ");
    String name = words[0];
    double sigmoid = 1.0;
    for (int w = 1; w < words.length; w++) {
      if (words[w].equals("sqrt")) {
        throw new UnsupportedModelException(file + ": objective \"" + objective
            + "\" (sqrt-transformed regression) is not supported by the pure-Java evaluator");
      }
      if (words[w].startsWith("sigmoid:")) {
        try {
          sigmoid = Double.parseDouble(words[w].substring("sigmoid:".length()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(file + ": objective \"" + objective + "\" has a sigmoid that is not a number");
        }
      }
    }
    LightGbmEnsemble.Link link;
    if (name.equals("binary") || name.equals("cross_entropy")) {
      link = LightGbmEnsemble.Link.SIGMOID;
    } else if (name.equals("multiclass")) {
      link = LightGbmEnsemble.Link.SOFTMAX;
    } else if (name.equals("multiclassova")) {
      link = LightGbmEnsemble.Link.SIGMOID_PER_CLASS;
    } else if (EXP.contains(name)) {
      link = LightGbmEnsemble.Link.EXP;
    } else if (IDENTITY.contains(name)) {
      link = LightGbmEnsemble.Link.IDENTITY;
    } else {
      throw new UnsupportedModelException(file + ": objective \"" + objective
          + "\" is not supported by the pure-Java evaluator");
    }
    if ((link == LightGbmEnsemble.Link.SOFTMAX || link == LightGbmEnsemble.Link.SIGMOID_PER_CLASS) != (classes > 1)
        && classes > 1) {
      throw new UnsupportedModelException(file + ": objective \"" + objective + "\" with num_class " + classes
          + " is not supported by the pure-Java evaluator");
    }

    Slots slots = new Slots();
    List<Tree> trees = new ArrayList<>();
    while (i < lines.length && lines[i].startsWith("Tree=")) {
      String where = file + ": " + lines[i];
      i++;
      Map<String, String> fields = new HashMap<>();
      while (i < lines.length && !lines[i].isEmpty() && !lines[i].startsWith("Tree=")
          && !lines[i].equals("end of trees")) {
        String line = lines[i++];
        int eq = line.indexOf('=');
        if (eq > 0) {
          fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      while (i < lines.length && lines[i].isEmpty()) {
        i++;
      }
      trees.add(tree(where, fields, width, slots));
    }
    if (i >= lines.length || !lines[i].equals("end of trees")) {
      throw new IllegalArgumentException(file + ": expected \"end of trees\" after the last tree"
          + (i < lines.length ? " but found \"" + clip(lines[i]) + "\"" : " but the file ends"));
    }
    if (trees.size() % perIteration != 0) {
      throw new IllegalArgumentException(file + " has " + trees.size() + " trees, not a multiple of num_tree_per_iteration "
          + perIteration);
    }
    slots.freeze();
    Forest forest = Forest.of(trees, layout);
    double[] leaves = new double[forest.leafCount()];
    for (int l = 0; l < leaves.length; l++) {
      leaves[l] = trees.get(forest.leafTree(l)).leaf()[forest.leafNode(l)];
    }
    int[] treeGroup = new int[trees.size()];
    for (int t = 0; t < treeGroup.length; t++) {
      treeGroup[t] = t % perIteration;
    }
    String description = "LightGBM " + header.getOrDefault("version", "?") + " " + name + ": " + trees.size()
        + " trees on " + width + " features (" + forest.layout() + ")";
    return new LightGbmEnsemble(forest, slots, width, classes, treeGroup, leaves, link, sigmoid, average,
        description);
  }

  /** The feature names the model stores. */
  static List<String> featureNames(byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    for (String line : text.split("\r?\n")) {
      if (line.startsWith("feature_names=")) {
        return List.of(line.substring("feature_names=".length()).split(" "));
      }
      if (line.startsWith("Tree=")) {
        break;
      }
    }
    return List.of();
  }

  private static Tree tree(String where, Map<String, String> fields, int width, Slots slots) {
    int leaves = intField(where, "tree", fields, "num_leaves", 1, MAX_LEAVES);
    int cats = intField(where, "tree", fields, "num_cat", 0, MAX_LEAVES, 0);
    if (cats > 0) {
      throw new UnsupportedModelException(where + " has " + cats
          + " categorical splits (num_cat); categorical splits are not supported by the pure-Java evaluator");
    }
    if (fields.containsKey("is_linear") && !fields.get("is_linear").strip().equals("0")) {
      throw new UnsupportedModelException(where + " is a linear tree (is_linear); linear trees are not supported "
          + "by the pure-Java evaluator");
    }
    double[] leafValue = doubles(where, fields, "leaf_value", leaves);
    int internal = leaves - 1;
    int n = internal + leaves;
    int[] left = new int[n];
    int[] right = new int[n];
    int[] slot = new int[n];
    float[] threshold = new float[n];
    double[] leaf = new double[n];
    for (int l = 0; l < leaves; l++) {
      left[internal + l] = -1;
      right[internal + l] = -1;
      leaf[internal + l] = leafValue[l];
    }
    if (internal > 0) {
      double[] feature = doubles(where, fields, "split_feature", internal);
      double[] thresholds = doubles(where, fields, "threshold", internal);
      double[] decision = doubles(where, fields, "decision_type", internal);
      double[] leftChild = doubles(where, fields, "left_child", internal);
      double[] rightChild = doubles(where, fields, "right_child", internal);
      for (int k = 0; k < internal; k++) {
        int f = checkedInt(where, "split_feature", k, feature[k], 0, width - 1);
        int type = checkedInt(where, "decision_type", k, decision[k], 0, 255);
        if ((type & 1) != 0) {
          throw new UnsupportedModelException(where + " node " + k + " is a categorical split on feature " + f
              + "; categorical splits are not supported by the pure-Java evaluator");
        }
        boolean defaultLeft = (type & 2) != 0;
        int missingType = (type >> 2) & 3;
        Missing rule = switch (missingType) {
          case 0 -> Missing.LIGHTGBM_NAN_AS_ZERO;
          case 1 -> defaultLeft ? Missing.LIGHTGBM_ZERO_LEFT : Missing.LIGHTGBM_ZERO_RIGHT;
          case 2 -> defaultLeft ? Missing.LIGHTGBM_NAN_LEFT : Missing.LIGHTGBM_NAN_RIGHT;
          default -> throw new IllegalArgumentException(where + ": decision_type[" + k + "] has missing type 3; "
              + "expected 0 (none), 1 (zero) or 2 (NaN)");
        };
        slot[k] = slots.slot(f, rule);
        if (thresholds[k] >= Float.MAX_VALUE && thresholds[k] != Double.POSITIVE_INFINITY) {
          throw new UnsupportedModelException(where + ": threshold[" + k + "] is " + thresholds[k]
              + "; finite thresholds beyond the largest float are not supported by the pure-Java evaluator");
        }
        threshold[k] = rightOf(thresholds[k]);
        left[k] = child(where, "left_child", k, leftChild[k], internal, leaves);
        right[k] = child(where, "right_child", k, rightChild[k], internal, leaves);
      }
    }
    return Tree.checked(where, left, right, slot, threshold, leaf);
  }

  /**
   * The float {@code t'} such that, for every float {@code x}, {@code x > t} (LightGBM goes right) exactly
   * when {@code x >= t'}: the float just above the largest float not above {@code t}.
   */
  static float rightOf(double t) {
    if (Double.isNaN(t) || t == Double.POSITIVE_INFINITY) {
      return (float) t;
    }
    float below = (float) t;
    if (below > t) {
      below = Math.nextDown(below);
    }
    return Math.nextUp(below);
  }

  private static int child(String where, String field, int k, double value, int internal, int leaves) {
    int c = checkedInt(where, field, k, value, -leaves, internal - 1);
    return c >= 0 ? c : internal + ~c;
  }

  private static int checkedInt(String where, String field, int k, double value, int min, int max) {
    if (value != Math.rint(value) || value < min || value > max) {
      throw new IllegalArgumentException(where + ": " + field + "[" + k + "] must be an integer in [" + min + ", "
          + max + "] but is " + value);
    }
    return (int) value;
  }

  private static double[] doubles(String where, Map<String, String> fields, String key, int count) {
    String value = fields.get(key);
    if (value == null) {
      throw new IllegalArgumentException(where + " has no " + key + "; expected " + count + " values");
    }
    String[] parts = value.strip().split(" ");
    if (parts.length != count) {
      throw new IllegalArgumentException(where + ": " + key + " has " + parts.length + " values but " + count
          + " were expected");
    }
    double[] out = new double[count];
    for (int k = 0; k < count; k++) {
      try {
        out[k] = switch (parts[k]) {
          case "inf", "+inf" -> Double.POSITIVE_INFINITY;
          case "-inf" -> Double.NEGATIVE_INFINITY;
          case "nan", "-nan" -> Double.NaN;
          default -> Double.parseDouble(parts[k]);
        };
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": " + key + "[" + k + "] must be a number but is \""
            + clip(parts[k]) + "\"");
      }
    }
    return out;
  }

  private static String require(String where, String section, Map<String, String> fields, String key) {
    String value = fields.get(key);
    if (value == null) {
      throw new IllegalArgumentException(where + ": the " + section + " has no " + key);
    }
    return value;
  }

  private static int intField(String where, String section, Map<String, String> fields, String key, int min, int max) {
    String value = require(where, section, fields, key).strip();
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(where + ": " + key + " must be an integer in [" + min + ", " + max
        + "] but is \"" + clip(value) + "\"");
  }

  private static int intField(String where, String section, Map<String, String> fields, String key, int min, int max,
      int fallback) {
    return fields.containsKey(key) ? intField(where, section, fields, key, min, max) : fallback;
  }

  private static String clip(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
