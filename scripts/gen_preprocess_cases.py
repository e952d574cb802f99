"""Generates patch-core/tests/data/preprocess_cases.json: ViT/CLIP input
normalization as the Hugging Face image processors and torchvision compute
it, for the Rust tests to compare the fused converting copy against.

Each case names a random u8 RGB image (HWC, in "images") and gives, per
convention and formula, the
normalized float32 image cut into (C, ph, pw) patches, row-major patch order
(what a ViT patch embedding reads):
- "hf": transformers' `rescale` (`image.astype(float64) * rescale_factor`,
  then float32) followed by `normalize` (`(image - mean) / std` in float32),
  as in `transformers.image_transforms`;
- "torchvision": `ToTensor` (`float32(x) / 255`) then `Normalize`
  (`(x - mean) / std` in float32), written with numpy.

Run: python3 scripts/gen_preprocess_cases.py   (needs numpy; output is committed)
"""
import json
from pathlib import Path

import numpy as np

rng = np.random.default_rng(20261203)
CONVENTIONS = {
    "vit": ([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
    "clip": ([0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]),
    "imagenet": ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
}


def hf(image, mean, std):
    x = (image.astype(np.float64) * (1 / 255)).astype(np.float32)
    mean = np.array(mean, dtype=np.float32)
    std = np.array(std, dtype=np.float32)
    return (x - mean) / std


def torchvision(image, mean, std):
    x = image.astype(np.float32) / np.float32(255)
    mean = np.array(mean, dtype=np.float32)
    std = np.array(std, dtype=np.float32)
    return (x - mean) / std


def patches_chw(x, p):
    h, w, c = x.shape
    t = x.reshape(h // p, p, w // p, p, c).transpose(0, 2, 4, 1, 3)
    return t.reshape((h // p) * (w // p), c * p * p)


def short(v):
    """The shortest decimal that reads back as the same float32."""
    return float(np.format_float_positional(np.float32(v), unique=True))


images, cases = [], []
for h, w, p in [(16, 24, 8), (28, 14, 7)]:
    image = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    image[0, 0] = [0, 0, 0]
    image[0, 1] = [255, 255, 255]
    images.append({"height": h, "width": w, "pixels": image.reshape(-1).tolist()})
    for name, (mean, std) in CONVENTIONS.items():
        for kind, f in [("hf", hf), ("torchvision", torchvision)]:
            out = patches_chw(f(image, mean, std), p)
            cases.append({
                "image": len(images) - 1, "patch": p, "convention": name, "formula": kind,
                "mean": mean, "std": std,
                "tokens_shape": list(out.shape),
                "tokens": [short(v) for v in out.reshape(-1)],
            })

out = Path(__file__).resolve().parent.parent / "patch-core/tests/data/preprocess_cases.json"
out.write_text(json.dumps({"images": images, "cases": cases}, separators=(",", ":")) + "\n")
print(f"wrote {len(cases)} cases to {out}")
