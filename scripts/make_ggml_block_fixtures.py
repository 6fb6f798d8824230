#!/usr/bin/env python3
"""Writes Tests/Fixtures/ggml_blocks.safetensors: random but valid ggml blocks of every type loraf decodes, with the
Python gguf package's dequantization of them (the reference the Swift tests compare to).

For each type T (ggml name: F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K):
  T.blocks  U8  the raw blocks, back to back
  T.values  F32 gguf.quants.dequantize of those bytes
Quant bytes are uniform random; the f16 scales (d, m, dmin) are overwritten with sane values (|d| <= 0.05,
|m| <= 1), so every value is finite. F16/BF16 are random bit patterns without NaNs (infinities, zeros and subnormals
included). Needs numpy, safetensors and gguf (`pip install gguf safetensors numpy`).

Usage: scripts/make_ggml_block_fixtures.py [OUTPUT]   (default Tests/Fixtures/ggml_blocks.safetensors)
"""
import sys
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants, GGML_QUANT_SIZES
from safetensors.numpy import save_file

SEED = 20261203
# type -> (blocks, [(byte offset, low, high) of each f16 field to overwrite])
SCALE_FIELDS = {
    T.Q4_0: (64, [(0, -0.05, 0.05)]),
    T.Q4_1: (64, [(0, -0.05, 0.05), (2, -1.0, 1.0)]),
    T.Q5_0: (64, [(0, -0.05, 0.05)]),
    T.Q5_1: (64, [(0, -0.05, 0.05), (2, -1.0, 1.0)]),
    T.Q8_0: (64, [(0, -0.01, 0.01)]),
    T.Q4_K: (16, [(0, 0.0, 0.01), (2, 0.0, 0.01)]),
    T.Q5_K: (16, [(0, 0.0, 0.01), (2, 0.0, 0.01)]),
    T.Q6_K: (16, [(208, -0.01, 0.01)]),
}
FLOAT_ELEMENTS = 4096


def quantized_blocks(rng, qtype):
    count, fields = SCALE_FIELDS[qtype]
    _, type_size = GGML_QUANT_SIZES[qtype]
    blocks = rng.integers(0, 256, size=(count, type_size), dtype=np.uint8)
    for offset, low, high in fields:
        scales = rng.uniform(low, high, size=count).astype(np.float16)
        blocks[:, offset:offset + 2] = scales.view(np.uint8).reshape(count, 2)
    return blocks.reshape(-1)


def float_bits(rng, exponent_mask):
    bits = rng.integers(0, 1 << 16, size=FLOAT_ELEMENTS, dtype=np.uint32).astype(np.uint16)
    nan = ((bits & exponent_mask) == exponent_mask) & ((bits & ~np.uint16(0x8000) & ~exponent_mask) != 0)
    bits[nan] &= ~exponent_mask            # NaN patterns become finite numbers with the same mantissa
    bits[:8] = [0x0000, 0x8000, 0x0001, 0x8001, exponent_mask, exponent_mask | 0x8000, 0x3C00, 0xBC00]
    return bits.view(np.uint8)


def main():
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/ggml_blocks.safetensors")
    rng = np.random.default_rng(SEED)
    tensors = {}
    sources = [(T.F16, float_bits(rng, np.uint16(0x7C00))), (T.BF16, float_bits(rng, np.uint16(0x7F80)))]
    sources += [(qtype, quantized_blocks(rng, qtype)) for qtype in SCALE_FIELDS]
    for qtype, raw in sources:
        values = quants.dequantize(raw.reshape(1, -1), qtype).reshape(-1).astype(np.float32)
        assert np.isfinite(values).all() or qtype in (T.F16, T.BF16)
        tensors[f"{qtype.name}.blocks"] = raw
        tensors[f"{qtype.name}.values"] = values
    import gguf
    version = getattr(gguf, "__version__", None)
    if version is None:
        from importlib.metadata import version as package_version
        version = package_version("gguf")
    save_file(tensors, str(output), metadata={"source": "scripts/make_ggml_block_fixtures.py",
                                              "gguf": version, "seed": str(SEED)})
    print(f"wrote {output}: {len(sources)} types")


if __name__ == "__main__":
    main()
