#!/usr/bin/env python3
"""Writes Tests/Fixtures/ggml_quantize.safetensors: float rows and the blocks the Python gguf package's quantizers
(gguf.quants.quantize, written to give ggml's quantize_row_*_ref bytes) make of them, the reference for loraf's
quantizers (Kernels.quantize).

For each type T in Q4_0, Q4_1, Q5_0, Q5_1, Q8_0:
  T.input   F32  64 blocks of 32 values: 56 seeded random blocks (normal, scales 1e-3 to 10, some shifted away from 0)
                 and 8 awkward ones (all zeros, constant, one spike, ties at half steps, a negative extreme, tiny values)
  T.blocks  U8   gguf.quants.quantize(T.input, T)
Needs numpy, safetensors and gguf (`pip install gguf safetensors numpy`).

Usage: scripts/make_quantize_fixtures.py [OUTPUT]   (default Tests/Fixtures/ggml_quantize.safetensors)
"""
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants
from safetensors.numpy import save_file

SEED = 20261204
TYPES = [T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0]


def awkward_blocks():
    blocks = np.zeros((8, 32), dtype=np.float32)
    blocks[1] = 0.25                                   # constant
    blocks[2, 7] = 3.0                                 # one spike among zeros
    blocks[3] = (np.arange(32) - 16) * 0.5             # values on half steps
    blocks[4] = np.linspace(-2.0, 1.0, 32)             # the extreme is negative
    blocks[4, 0] = -2.0
    blocks[5] = np.linspace(1e-6, 3e-6, 32)            # tiny, all positive
    blocks[6] = np.linspace(-7.0, 7.0, 32)             # symmetric
    blocks[7] = np.where(np.arange(32) % 2 == 0, 1.0, -1.0)
    return blocks


def random_blocks(rng, count):
    scales = 10.0 ** rng.uniform(-3, 1, size=(count, 1))
    shifts = np.where(rng.random((count, 1)) < 0.3, rng.normal(size=(count, 1)) * scales, 0.0)
    return (rng.normal(size=(count, 32)) * scales + shifts).astype(np.float32)


def main():
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/ggml_quantize.safetensors")
    rng = np.random.default_rng(SEED)
    tensors = {}
    for qtype in TYPES:
        values = np.concatenate([random_blocks(rng, 56), awkward_blocks()]).reshape(1, -1)
        tensors[f"{qtype.name}.input"] = values.reshape(-1)
        tensors[f"{qtype.name}.blocks"] = quants.quantize(values, qtype).reshape(-1)
    save_file(tensors, str(output), metadata={"source": "scripts/make_quantize_fixtures.py", "gguf": version("gguf"),
                                              "seed": str(SEED)})
    print(f"wrote {output}: {len(TYPES)} types")


if __name__ == "__main__":
    main()
