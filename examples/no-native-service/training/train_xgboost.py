"""Trains the example's XGBoost model and publishes it into ../store as a plain script would.

Run from this folder with a Python that has xgboost (Debian 12: apt-get install python3-xgboost, XGBoost
1.7.4):
    /usr/bin/python3 train_xgboost.py
Writes ../store/fraud_xgboost/v1/{model.ubj,schema.json}, ../store/fraud_xgboost/latest.json and
../expected/fraud_xgboost.json (a few rows and what XGBoost predicts for them, for the test).
"""
import json
import os

import numpy as np
import xgboost as xgb

from common import FEATURES, STORE, rows, labels, publish

x = rows(2000, seed=1)
booster = xgb.train({"objective": "binary:logistic", "max_depth": 5, "eta": 0.3, "nthread": 1, "seed": 1},
                    xgb.DMatrix(x, label=labels(x), missing=np.nan, feature_names=FEATURES), num_boost_round=50)
publish("fraud_xgboost", "model.ubj", lambda file: booster.save_model(file))
sample = rows(50, seed=2)
expected = booster.predict(xgb.DMatrix(sample, missing=np.nan, feature_names=FEATURES))
with open(os.path.join(STORE, "..", "expected", "fraud_xgboost.json"), "w") as f:
    json.dump({"library": "xgboost " + xgb.__version__, "rows": [[None if np.isnan(v) else float(v) for v in r]
               for r in sample], "outputs": [[float(v)] for v in expected]}, f)
