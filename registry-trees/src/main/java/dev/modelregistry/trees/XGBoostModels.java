package dev.modelregistry.trees;

import dev.modelregistry.spi.Predictor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads XGBoost models saved as JSON or UBJSON by XGBoost 1.0 to 3.x ({@code save_model}, {@code
 * toByteArray("json"|"ubj")}) into an {@link XGBoostEnsemble} or an {@link XGBoostLinear}. Stateless and
 * thread-safe.
 *
 * <p>What is read, and what XGBoost does with it that the ensemble reproduces:
 *
 * <ul>
 *   <li>{@code learner_model_param.base_score}: stored as a probability for logistic objectives and a mean
 *       for log-link ones; XGBoost turns it into a margin at load with the objective's {@code ProbToMargin}
 *       ({@code -logf(1/b - 1)} for logistic (not {@code binary:logitraw}), {@code logf(b)} for Poisson, Tweedie and Gamma).
 *   <li>{@code tree_info}: the output group of each tree; {@code num_parallel_tree} needs nothing more,
 *       every tree of a round adds to its group.
 *   <li>{@code dart}'s {@code weight_drop}: each tree's leaves are scaled by its weight.
 *   <li>{@code attributes.best_iteration} is ignored: like xgboost4j's {@code Booster.predict} (and
 *       Python's {@code Booster.predict} without {@code iteration_range}), every tree is used.
 * </ul>
 *
 * <p>{@code gblinear} models become an {@link XGBoostLinear}. Refused ({@link UnsupportedModelException}):
 * categorical splits, multi-target models ({@code num_target > 1}, vector leaves), and objectives not in
 * {@link #LINKS}.
 */
final class XGBoostModels {

  /** The supported objectives and their output transforms. */
  static final Map<String, XGBoostLink> LINKS = Map.ofEntries(
      Map.entry("binary:logistic", XGBoostLink.SIGMOID),
      Map.entry("reg:logistic", XGBoostLink.SIGMOID),
      Map.entry("binary:logitraw", XGBoostLink.IDENTITY),
      Map.entry("binary:hinge", XGBoostLink.HINGE),
      Map.entry("reg:squarederror", XGBoostLink.IDENTITY),
      Map.entry("reg:linear", XGBoostLink.IDENTITY),
      Map.entry("reg:squaredlogerror", XGBoostLink.IDENTITY),
      Map.entry("reg:pseudohubererror", XGBoostLink.IDENTITY),
      Map.entry("reg:absoluteerror", XGBoostLink.IDENTITY),
      Map.entry("count:poisson", XGBoostLink.EXP),
      Map.entry("reg:tweedie", XGBoostLink.EXP),
      Map.entry("reg:gamma", XGBoostLink.EXP),
      Map.entry("multi:softprob", XGBoostLink.SOFTMAX),
      Map.entry("multi:softmax", XGBoostLink.ARGMAX),
      Map.entry("rank:pairwise", XGBoostLink.IDENTITY),
      Map.entry("rank:ndcg", XGBoostLink.IDENTITY),
      Map.entry("rank:map", XGBoostLink.IDENTITY));

  private static final Set<String> LOGISTIC_BASE = Set.of("binary:logistic", "reg:logistic");
  private static final Set<String> LOG_BASE = Set.of("count:poisson", "reg:tweedie", "reg:gamma");

  /** The most trees and features a model may have; more is refused as malformed. */
  static final int MAX_TREES = 10_000_000;
  static final int MAX_FEATURES = 100_000_000;

  private XGBoostModels() {}

  /** Whether {@code content} looks like UBJSON rather than JSON (XGBoost tells them apart the same way). */
  static boolean isUbjson(byte[] content) {
    for (byte b : content) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      if (b != '{') {
        return false;
      }
      break;
    }
    // JSON: '{' then whitespace or '"'; UBJSON: '{' then a key length marker or '}'
    for (int i = indexOfBrace(content) + 1; i < content.length; i++) {
      byte b = content[i];
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b != '"' && b != '}';
    }
    return false;
  }

  private static int indexOfBrace(byte[] content) {
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '{') {
        return i;
      }
    }
    return content.length;
  }

  /** Reads a model. */
  static Predictor read(String file, byte[] content, float missing, TreeEnsembles.Layout layout) {
    Map<String, Object> top = isUbjson(content) ? Ubjson.read(file, content) : JsonDocuments.read(file, content);
    Doc root = new Doc(file, "", top);
    if (!root.has("learner")) {
      throw root.malformed("learner", "an object (is this an XGBoost model saved as JSON or UBJSON?)", null);
    }
    Doc learner = root.object("learner");
    Doc params = learner.object("learner_model_param");
    int features = (int) params.integer("num_feature", 0, MAX_FEATURES);
    int numClass = (int) params.integer("num_class", 0, 1_000_000, 0);
    long targets = params.integer("num_target", 0, 1_000_000, 1);
    if (targets > 1) {
      throw root.unsupported("learner_model_param.num_target is " + targets
          + "; multi-target models are not supported by the pure-Java evaluator");
    }
    String objective = learner.object("objective").string("name");
    XGBoostLink link = LINKS.get(objective);
    if (link == null) {
      throw root.unsupported("objective \"" + objective + "\" is not supported by the pure-Java evaluator; supported: "
          + new java.util.TreeSet<>(LINKS.keySet()));
    }
    int groups = Math.max(numClass, 1);
    if ((link == XGBoostLink.SOFTMAX || link == XGBoostLink.ARGMAX) && numClass < 1) {
      throw params.malformed("num_class", "at least 1 for " + objective, String.valueOf(numClass));
    }
    float[] base = baseScore(params, objective, groups);

    Doc booster = learner.object("gradient_booster");
    String kind = booster.string("name");
    Doc model;
    float[] weights = null;
    switch (kind) {
      case "gbtree" -> model = booster.object("model");
      case "dart" -> {
        model = booster.object("gbtree").object("model");
        weights = booster.numbers("weight_drop").floats();
      }
      case "gblinear" -> {
        return linear(root, booster, features, groups, base[0], missing, link, objective);
      }
      default -> throw booster.malformed("name", "\"gbtree\", \"dart\" or \"gblinear\"", kind);
    }

    List<Doc> treeDocs = model.objects("trees");
    if (treeDocs.size() > MAX_TREES) {
      throw model.malformed("trees", "at most " + MAX_TREES + " trees", treeDocs.size() + " trees");
    }
    int[] treeGroup = model.ints("tree_info", treeDocs.size(), 0, groups - 1);
    if (weights != null && weights.length != treeDocs.size()) {
      throw booster.malformed("weight_drop", treeDocs.size() + " weights, one per tree", weights.length + " weights");
    }
    Slots slots = new Slots();
    List<Tree> trees = new ArrayList<>(treeDocs.size());
    for (int t = 0; t < treeDocs.size(); t++) {
      trees.add(tree(file, treeDocs.get(t), t, features, slots));
    }
    slots.freeze();
    Forest forest = Forest.of(trees, layout);
    float[] leaves = new float[forest.leafCount()];
    for (int l = 0; l < leaves.length; l++) {
      int t = forest.leafTree(l);
      float leaf = (float) trees.get(t).leaf()[forest.leafNode(l)];
      leaves[l] = weights == null ? leaf : (0f + leaf) * weights[t];
    }
    String version = root.has("version") ? versionOf(root) : "?";
    String description = "XGBoost " + version + " " + kind + " " + objective + ": " + trees.size() + " trees on "
        + features + " features (" + forest.layout() + ")";
    return new XGBoostEnsemble(forest, slots, features, missing, groups, treeGroup, leaves, base, link,
        description);
  }

  private static Predictor linear(Doc root, Doc booster, int features, int groups, float base, float missing,
      XGBoostLink link, String objective) {
    float[] weights = booster.object("model").numbers("weights", (features + 1) * groups).floats();
    String version = root.has("version") ? versionOf(root) : "?";
    return new XGBoostLinear(features, groups, weights, base, missing, link,
        "XGBoost " + version + " gblinear " + objective + ": " + features + " features");
  }

  /** The feature names the model stores, if any. */
  static List<String> featureNames(String file, byte[] content) {
    Map<String, Object> top = isUbjson(content) ? Ubjson.read(file, content) : JsonDocuments.read(file, content);
    Object names = top.get("learner") instanceof Map<?, ?> learner ? learner.get("feature_names") : null;
    List<String> out = new ArrayList<>();
    if (names instanceof List<?> list) {
      for (Object name : list) {
        out.add(String.valueOf(name));
      }
    }
    return out;
  }

  private static String versionOf(Doc root) {
    double[] v = root.numbers("version").values();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < v.length && i < 3; i++) {
      text.append(i == 0 ? "" : ".").append((long) v[i]);
    }
    return text.toString();
  }

  private static float[] baseScore(Doc params, String objective, int groups) {
    String text = params.string("base_score").strip();
    String[] parts = text.startsWith("[") && text.endsWith("]")
        ? text.substring(1, text.length() - 1).split(",")
        : new String[] {text};
    if (parts.length != 1 && parts.length != groups) {
      throw params.malformed("base_score", "one value or " + groups + " values", text);
    }
    float[] base = new float[groups];
    for (int g = 0; g < groups; g++) {
      float b;
      try {
        b = Float.parseFloat(parts[parts.length == 1 ? 0 : g].strip());
      } catch (NumberFormatException e) {
        throw params.malformed("base_score", "a number", text);
      }
      if (Float.isNaN(b) || Float.isInfinite(b)) {
        throw params.malformed("base_score", "a finite number", text);
      }
      if (LOGISTIC_BASE.contains(objective)) {
        if (!(b > 0f && b < 1f)) {
          throw params.malformed("base_score", "in (0, 1) for " + objective, text);
        }
        base[g] = -Libm.logf(1.0f / b - 1.0f);
      } else if (LOG_BASE.contains(objective)) {
        if (!(b > 0f)) {
          throw params.malformed("base_score", "positive for " + objective, text);
        }
        base[g] = Libm.logf(b);
      } else {
        base[g] = b;
      }
    }
    return base;
  }

  private static Tree tree(String file, Doc doc, int index, int features, Slots slots) {
    Doc param = doc.object("tree_param");
    int n = (int) param.integer("num_nodes", 1, Integer.MAX_VALUE / 8);
    long leafSize = param.integer("size_leaf_vector", 0, Integer.MAX_VALUE, 1);
    if (leafSize > 1) {
      throw doc.unsupported(doc.path() + " has vector leaves (size_leaf_vector " + leafSize
          + "); multi-target trees are not supported by the pure-Java evaluator");
    }
    int[] left = doc.ints("left_children", n, -1, n - 1);
    int[] right = doc.ints("right_children", n, -1, n - 1);
    int[] split = doc.ints("split_indices", n, 0, Integer.MAX_VALUE);
    float[] cond = doc.numbers("split_conditions", n).floats();
    double[] defaultLeft = doc.numbers("default_left", n).values();
    if (doc.has("split_type")) {
      int[] types = doc.ints("split_type", n, 0, 255);
      for (int i = 0; i < n; i++) {
        if (types[i] != 0 && left[i] >= 0) {
          throw doc.unsupported(doc.path() + " node " + i + " is a categorical split on feature " + split[i]
              + "; categorical splits are not supported by the pure-Java evaluator");
        }
      }
    }
    if (doc.has("categories_nodes") && doc.numbers("categories_nodes").length() > 0) {
      throw doc.unsupported(doc.path() + " has categorical splits; they are not supported by the pure-Java evaluator");
    }
    int[] slot = new int[n];
    double[] leaf = new double[n];
    for (int i = 0; i < n; i++) {
      if (left[i] < 0) {
        leaf[i] = cond[i];
        continue;
      }
      if (split[i] >= features) {
        throw doc.malformed("split_indices[" + i + "]", "a feature index below num_feature " + features,
            String.valueOf(split[i]));
      }
      slot[i] = slots.slot(split[i], defaultLeft[i] != 0 ? Missing.NAN_LEFT : Missing.NAN_RIGHT);
    }
    return Tree.checked(file + ": " + doc.path(), left, right, slot, cond, leaf);
  }
}
