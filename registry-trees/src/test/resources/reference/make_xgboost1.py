"""Trains the XGBoost 1.x test models and writes their reference outputs.

Run with Debian 12's python3-xgboost (XGBoost 1.7.4; apt-get install python3-xgboost) from this folder:
    /usr/bin/python3 make_xgboost1.py
Writes xgboost1-<name>.json and .ubj (the model in both encodings) and xgboost1-<name>.expected (the SHA-256
of the float32 outputs of 100,000 rows from rows.py, seed 11, and the first 1,000 rows' outputs in hex).
"""
import numpy as np
import xgboost as xgb

import rows

FEATURES = 12
MODELS = {
    "binary-logistic": {"objective": "binary:logistic"},
    "reg-squarederror": {"objective": "reg:squarederror"},
    "count-poisson": {"objective": "count:poisson"},
    "multi-softprob": {"objective": "multi:softprob", "num_class": 3},
    "dart": {"objective": "binary:logistic", "booster": "dart", "rate_drop": 0.2, "skip_drop": 0.3},
}

x_train = rows.generate(3000, FEATURES, 7)
x_test = rows.generate(100_000, FEATURES, 11)
test = xgb.DMatrix(x_test, missing=np.nan)
for name, params in MODELS.items():
    params = {"max_depth": 4, "eta": 0.3, "nthread": 1, "seed": 7, **params}
    train = xgb.DMatrix(x_train, label=rows.labels(x_train, params["objective"]), missing=np.nan)
    booster = xgb.train(params, train, num_boost_round=20)
    booster.save_model("xgboost1-%s.json" % name)
    booster.save_model("xgboost1-%s.ubj" % name)
    loaded = xgb.Booster(model_file="xgboost1-%s.json" % name)
    predicted = loaded.predict(test)
    if predicted.ndim == 1:
        predicted = predicted.reshape(-1, 1)
    rows.write_reference("xgboost1-%s.expected" % name, predicted, 1000)
    print(name, xgb.__version__, predicted[:2].tolist())
