#!/usr/bin/env bash
# Regenerates sdk-vectors.json: buckets of many unit ids computed by Unleash's own SDK code.
#   ASCII ids: the Node SDK's normalizedStrategyValue / normalizedVariantValue (npm unleash-client 6) and the
#   Python SDK's hashing (mmh3.hash(f"{group}:{id}", seed, signed=False) % n + 1), which agree.
#   Non-ASCII ids: the Python hashing, which hashes UTF-8 bytes as Unleash's Yggdrasil engine (the Java, .NET,
#   Ruby and newer Python SDKs) does. The Node SDK's murmurhash3js hashes the low byte of each UTF-16 unit
#   instead, so for non-ASCII ids it disagrees with the other SDKs; it is not used for them.
# Needs: npm install unleash-client@6 (in $NODE_DIR), pip install mmh3.
set -euo pipefail
NODE_DIR="${NODE_DIR:-/tmp/unode}"
cd "$(dirname "$0")"
node -e '
const u = require(process.argv[1] + "/node_modules/unleash-client/lib/strategy/util");
const out = [];
for (let i = 0; i < 500; i++) {
  const id = "user-" + i * 7919;
  out.push({group: "t20_win_predictor", unit: id, bucket: u.normalizedStrategyValue(id, "t20_win_predictor"),
            variant100: u.normalizedVariantValue(id, "rec_algorithm_v1", 100)});
}
console.log(JSON.stringify(out));
' "$NODE_DIR" > /tmp/node-vectors.json
python3 - <<'PY'
import json, mmh3
node = json.load(open("/tmp/node-vectors.json"))
def bucket(group, unit, n=100, seed=0):
    return mmh3.hash(f"{group}:{unit}", seed, signed=False) % n + 1
for case in node:
    assert case["bucket"] == bucket(case["group"], case["unit"]), case
    assert case["variant100"] == bucket("rec_algorithm_v1", case["unit"], 100, 86028157), case
utf8 = []
for i, unit in enumerate(["Jürgen", "zoë@example.com", "用户-42", "пользователь", "🙂-smile", "ñandú", "Ω≈ç√",
                          "ユーザー", "naïve-café", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"] + [f"ü-{i}" for i in range(190)]):
    utf8.append({"group": "t20_win_predictor", "unit": unit, "bucket": bucket("t20_win_predictor", unit),
                 "variant100": bucket("rec_algorithm_v1", unit, 100, 86028157)})
json.dump({"source": "Unleash SDKs: npm unleash-client 6 (ASCII ids, checked equal to the Python hashing) and"
           " the Python SDK's mmh3 hashing of UTF-8 bytes (non-ASCII ids); see generate_sdk_vectors.sh",
           "ascii": node, "utf8": utf8}, open("sdk-vectors.json", "w"), ensure_ascii=False, indent=0)
print(len(node), len(utf8))
PY
