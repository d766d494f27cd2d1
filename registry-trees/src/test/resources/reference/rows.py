"""The test rows of Rows.java, generated the same way (SplitMix64), for the reference scripts."""
import numpy as np

MASK = (1 << 64) - 1


def generate(count, width, seed):
    state = seed
    out = np.empty((count, width), dtype=np.float32)
    for i in range(count):
        for j in range(width):
            state = (state + 0x9E3779B97F4A7C15) & MASK
            kind = _mix(state) % 100
            state = (state + 0x9E3779B97F4A7C15) & MASK
            bits = _mix(state) >> 40
            if kind < 10:
                out[i, j] = np.nan
            elif kind < 12:
                out[i, j] = 0.0
            else:
                out[i, j] = np.float32(bits * 2.0 ** -22 - 2.0)
    return out


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def labels(x, objective):
    v = np.where(np.isnan(x), 0.5, x).astype(np.float64)
    w = np.array([1.0 if j % 3 == 0 else -0.6 for j in range(x.shape[1])])
    score = v @ w + 0.3 * v[:, 1] ** 2
    if objective in ("binary", "binary:logistic"):
        return (score > 0.2).astype(np.float64)
    if objective in ("multiclass", "multi:softprob", "multi:softmax"):
        return np.where(score < -0.5, 0, np.where(score < 0.7, 1, 2)).astype(np.float64)
    if objective in ("poisson", "count:poisson"):
        return np.floor(np.exp(score / 2))
    return 3 * score + 1


def write_reference(path, outputs, sample_rows):
    """Writes the SHA-256 of all outputs (float32, little-endian, row by row) and the first rows' outputs."""
    import hashlib
    outputs = np.ascontiguousarray(outputs, dtype="<f4")
    digest = hashlib.sha256(outputs.tobytes()).hexdigest()
    with open(path, "w") as f:
        f.write("rows=%d\noutputs=%d\nsha256=%s\n" % (outputs.shape[0], outputs.shape[1], digest))
        for row in outputs[:sample_rows]:
            f.write(" ".join(float(v).hex() for v in row) + "\n")
