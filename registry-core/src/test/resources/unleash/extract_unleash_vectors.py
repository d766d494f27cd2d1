"""Extracts bucketing test vectors from Unleash's client specification (github.com/Unleash/client-specification,
specifications/03, 10, 08 and 18), for BucketingTest.

Usage: python3 extract_unleash_vectors.py <client-specification checkout> > unleash-vectors.json

Kept: gradual rollouts by user id (gradualRolloutUserId, and flexibleRollout with stickiness default or userId)
with one strategy and no constraints, whose expected result depends only on the user id's bucket; and
feature variants chosen by user id, with their weights. Each case records the group id, the unit id, and the
expectation, so the Java bucketing can be checked against what every Unleash SDK does.
"""
import json
import sys
from pathlib import Path

root = Path(sys.argv[1]) / "specifications"
rollouts, variants = [], []


def only_strategy(feature):
    strategies = feature.get("strategies", [])
    if len(strategies) != 1 or strategies[0].get("constraints") or strategies[0].get("segments"):
        return None
    return strategies[0]


for name in ["03-gradual-rollout-user-id-strategy.json", "10-flexible-rollout-strategy.json",
             "18-utf8-flag-names.json"]:
    path = root / name
    if not path.exists():
        continue
    spec = json.loads(path.read_text(encoding="utf-8"))
    features = {f["name"]: f for f in spec["state"]["features"]}
    for test in spec.get("tests", []):
        user = test.get("context", {}).get("userId")
        feature = features.get(test["toggleName"])
        if user is None or feature is None or not feature.get("enabled", True):
            continue
        strategy = only_strategy(feature)
        if strategy is None:
            continue
        params = strategy.get("parameters", {})
        if strategy["name"] == "gradualRolloutUserId":
            percent, group = params["percentage"], params["groupId"]
        elif strategy["name"] == "flexibleRollout" and params.get("stickiness", "default") in ("default", "userId"):
            percent, group = params["rollout"], params.get("groupId", feature["name"])
        else:
            continue
        rollouts.append({"source": name, "description": test["description"], "group": group, "unit": user,
                         "percent": int(percent), "expected": test["expectedResult"]})

spec = json.loads((root / "08-variants.json").read_text(encoding="utf-8"))
features = {f["name"]: f for f in spec["state"]["features"]}
for test in spec.get("variantTests", []):
    user = test.get("context", {}).get("userId")
    feature = features.get(test["toggleName"])
    if user is None or feature is None or not feature.get("enabled", True) or not feature.get("variants") \
            or not test["expectedResult"].get("enabled"):
        continue
    if any(v.get("overrides") or v.get("stickiness", "default") not in ("default", "userId")
           for v in feature["variants"]):
        continue
    if only_strategy(feature) is None and feature.get("strategies"):
        continue
    variants.append({"source": "08-variants.json", "description": test["description"], "group": feature["name"],
                     "unit": user, "variants": [{"name": v["name"], "weight": v["weight"]} for v in feature["variants"]],
                     "expected": test["expectedResult"]["name"]})

json.dump({"source": "https://github.com/Unleash/client-specification (specifications/)",
           "rollouts": rollouts, "variants": variants}, sys.stdout, indent=1, ensure_ascii=False)
print()
