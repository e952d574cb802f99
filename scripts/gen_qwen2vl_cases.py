"""Generates patch-core/tests/data/qwen2vl_cases.json: the token order of
Hugging Face's Qwen2VLImageProcessor._preprocess, for the Rust tests to
compare `Qwen2Vl` against bit for bit.

Each case gives frames [T, C, H, W] (random integers, so every type holds
them exactly), the geometry (patch_size, merge_size, temporal_patch_size)
and the flattened patches the processor computes, written here from its
lines with numpy:

    if patches.shape[0] % temporal_patch_size != 0:
        repeats = np.repeat(patches[-1][np.newaxis],
                            temporal_patch_size - patches.shape[0] % temporal_patch_size, axis=0)
        patches = np.concatenate([patches, repeats], axis=0)
    patches.reshape(gt, tp, C, gh // m, m, p, gw // m, m, p)
           .transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
           .reshape(gt * gh * gw, C * tp * p * p)

Run: python3 scripts/gen_qwen2vl_cases.py   (needs numpy; output is committed)
"""
import json
from pathlib import Path

import numpy as np

rng = np.random.default_rng(20261203)


def qwen2vl(patches, p, m, tp):
    if patches.shape[0] % tp != 0:
        repeats = np.repeat(patches[-1][np.newaxis], tp - (patches.shape[0] % tp), axis=0)
        patches = np.concatenate([patches, repeats], axis=0)
    channel = patches.shape[1]
    grid_t = patches.shape[0] // tp
    grid_h, grid_w = patches.shape[2] // p, patches.shape[3] // p
    patches = patches.reshape(grid_t, tp, channel, grid_h // m, m, p, grid_w // m, m, p)
    patches = patches.transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
    flat = patches.reshape(grid_t * grid_h * grid_w, channel * tp * p * p)
    return flat, [grid_t, grid_h, grid_w]


cases = []
# (T, C, H, W, p, m, tp): odd and even T, one frame (an image), one and
# three channels, merge 1 and 2, temporal 1, 2 and 3 (T % 3 == 1 only), and
# Qwen2-VL's own 14/2/2.
for t, c, bh, bw, p, m, tp in [
    (1, 3, 1, 1, 14, 2, 2),
    (3, 3, 2, 1, 14, 2, 2),
    (2, 3, 1, 2, 14, 2, 2),
    (1, 1, 2, 3, 2, 2, 2),
    (5, 2, 3, 2, 3, 2, 2),
    (4, 3, 2, 2, 2, 2, 2),
    (7, 1, 1, 4, 4, 1, 2),
    (4, 2, 2, 3, 2, 3, 3),
    (3, 3, 2, 2, 3, 2, 1),
    (6, 1, 3, 1, 5, 2, 3),
]:
    h, w = bh * p * m, bw * p * m
    frames = rng.integers(0, 256, size=(t, c, h, w)).astype(np.float32)
    flat, grid = qwen2vl(frames, p, m, tp)
    cases.append({
        "shape": [t, c, h, w], "patch_size": p, "merge_size": m, "temporal_patch_size": tp,
        "frames": frames.astype(np.int64).reshape(-1).tolist(),
        "grid": grid, "tokens_shape": list(flat.shape),
        "tokens": flat.astype(np.int64).reshape(-1).tolist(),
    })

out = Path(__file__).resolve().parent.parent / "patch-core/tests/data/qwen2vl_cases.json"
out.write_text(json.dumps({"cases": cases}, separators=(",", ":")) + "\n")
print(f"wrote {len(cases)} cases to {out}")
