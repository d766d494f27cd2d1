"""What both training scripts share: the features, synthetic rows, and a plain-script publish."""
import json
import os

import numpy as np

FEATURES = ["amount", "hour", "merchant_risk", "card_age_days", "velocity_1h", "distance_km"]
STORE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "store")


def rows(count, seed):
    """Random float32 rows, one value in ten missing."""
    rng = np.random.default_rng(seed)
    x = rng.random((count, len(FEATURES)), dtype=np.float32) * np.float32(4) - np.float32(2)
    x[rng.random(x.shape) < 0.1] = np.nan
    return x


def labels(x):
    v = np.nan_to_num(x, nan=0.0).astype(np.float64)
    return (v[:, 0] - 0.7 * v[:, 2] + 0.4 * v[:, 4] * v[:, 5] > 0.1).astype(np.float64)


def publish(model, file_name, save):
    """Writes version v1 of `model` (its file, schema.json) and points latest.json at it."""
    version = os.path.join(STORE, model, "v1")
    os.makedirs(version, exist_ok=True)
    save(os.path.join(version, file_name))
    with open(os.path.join(version, "schema.json"), "w") as f:
        json.dump({"features": FEATURES}, f)
    with open(os.path.join(STORE, model, "latest.json"), "w") as f:
        json.dump({"version": "v1"}, f)
    return version
