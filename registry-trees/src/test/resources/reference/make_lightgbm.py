"""Trains the LightGBM test models and writes their reference outputs.

Run with Python 3 and lightgbm 4.7 (pip install lightgbm numpy) from this folder:
    python3 make_lightgbm.py
Writes lightgbm-<objective>.txt (the model) and lightgbm-<objective>.expected (the SHA-256 of the float32
outputs of 100,000 rows from rows.py, seed 11, and the first 1,000 rows' outputs in hex).
"""
import lightgbm as lgb
import numpy as np

import rows

FEATURES = 12
MODELS = {
    # name: (objective, extra parameters) -- the extras give each missing-value rule of LightGBM a model
    "binary": ("binary", {}),
    "regression": ("regression", {"zero_as_missing": True}),
    "multiclass": ("multiclass", {"num_class": 3}),
    "poisson": ("poisson", {"use_missing": False}),
    # trees at most 6 levels deep, so that batches are walked bit-sliced (the others are deeper)
    "binary-shallow": ("binary", {"max_depth": 6, "zero_as_missing": True}),
}

x_train = rows.generate(3000, FEATURES, 7)
x_test = rows.generate(100_000, FEATURES, 11)
for name, (objective, extra) in MODELS.items():
    params = {"objective": objective, "num_leaves": 31, "learning_rate": 0.1, "seed": 7,
              "deterministic": True, "num_threads": 1, "verbose": -1, **extra}
    booster = lgb.train(params, lgb.Dataset(x_train, label=rows.labels(x_train, objective)), num_boost_round=40)
    booster.save_model("lightgbm-%s.txt" % name)
    loaded = lgb.Booster(model_file="lightgbm-%s.txt" % name)
    predicted = loaded.predict(x_test)
    if predicted.ndim == 1:
        predicted = predicted.reshape(-1, 1)
    rows.write_reference("lightgbm-%s.expected" % name, predicted.astype(np.float32), 1000)
    print(name, lgb.__version__, predicted[:2].tolist())
