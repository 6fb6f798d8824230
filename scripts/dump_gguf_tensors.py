#!/usr/bin/env python3
"""Dumps every tensor of a GGUF file with the Python gguf package's dequantization, for the Swift test that checks
loraf's decoders on a real model (Tests/LorafKernelsTests/GGUFDequantizationTests.swift).

Writes one safetensors file with, for each GGUF tensor NAME:
  NAME.raw     U8   the tensor's bytes as stored in the GGUF file (its ggml blocks)
  NAME.values  F32  gguf.quants.dequantize of those bytes, flattened (row-major, ne0 fastest)
and metadata "type.NAME" = the ggml type id. The file is streamed tensor by tensor, so memory stays small.

Usage: scripts/dump_gguf_tensors.py MODEL.gguf OUTPUT.safetensors   (needs numpy and gguf: `pip install gguf`)
"""
import json
import struct
import sys

import numpy as np
from gguf import GGUFReader, quants


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: dump_gguf_tensors.py MODEL.gguf OUTPUT.safetensors")
    reader = GGUFReader(sys.argv[1])
    tensors = list(reader.tensors)
    header, offset = {}, 0
    # All F32 values first (4-byte aligned after the padded header), then the raw bytes.
    for t in tensors:
        count = int(np.prod(t.shape))
        header[f"{t.name}.values"] = {"dtype": "F32", "shape": [count], "data_offsets": [offset, offset + 4 * count]}
        offset += 4 * count
    for t in tensors:
        size = int(t.n_bytes)
        header[f"{t.name}.raw"] = {"dtype": "U8", "shape": [size], "data_offsets": [offset, offset + size]}
        offset += size
    header["__metadata__"] = {f"type.{t.name}": str(int(t.tensor_type)) for t in tensors}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(sys.argv[2], "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for t in tensors:
            values = quants.dequantize(t.data, t.tensor_type).astype(np.float32, copy=False)
            out.write(np.ascontiguousarray(values).tobytes())
        for t in tensors:
            out.write(np.ascontiguousarray(t.data).tobytes())
    print(f"wrote {sys.argv[2]}: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
