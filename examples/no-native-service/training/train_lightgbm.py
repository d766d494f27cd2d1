"""Trains the example's LightGBM model and publishes it into ../store as a plain script would.

Run from this folder with a Python that has lightgbm (pip install lightgbm numpy; made with 4.7.0):
    python3 train_lightgbm.py
Writes ../store/fraud_lightgbm/v1/{model.txt,schema.json}, ../store/fraud_lightgbm/latest.json and
../expected/fraud_lightgbm.json (a few rows and what LightGBM predicts for them, for the test).
"""
import json
import os

import lightgbm as lgb
import numpy as np

from common import FEATURES, STORE, rows, labels, publish

x = rows(2000, seed=1)
booster = lgb.train({"objective": "binary", "num_leaves": 15, "learning_rate": 0.1, "seed": 1, "num_threads": 1,
                     "deterministic": True, "verbose": -1},
                    lgb.Dataset(x, label=labels(x), feature_name=FEATURES), num_boost_round=50)
publish("fraud_lightgbm", "model.txt", lambda file: booster.save_model(file))
sample = rows(50, seed=2)
expected = booster.predict(sample)
with open(os.path.join(STORE, "..", "expected", "fraud_lightgbm.json"), "w") as f:
    json.dump({"library": "lightgbm " + lgb.__version__, "rows": [[None if np.isnan(v) else float(v) for v in r]
               for r in sample], "outputs": [[float(np.float32(v))] for v in expected]}, f)
