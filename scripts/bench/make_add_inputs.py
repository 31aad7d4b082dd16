#!/usr/bin/env python3
"""Writes the inputs of `mldeck bench datasets` (Sources/DeckBench/DatasetsBench.swift), byte for byte.

    make_add_inputs.py big PATH      1 GiB of SplitMix64 words, seed 7 (BenchData.writeRandomFile)
    make_add_inputs.py files FOLDER  10,000 files of 0.5-4 KiB in folders of 100, seed 17
                                     (BenchData.writeSmallFiles)

Needs numpy (vectorised SplitMix64: state_k = seed + k * gamma, mixed). Used by add_vs_dd_dvc.sh.
"""
import os
import shutil
import sys

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)


def splitmix(seed: int, start: int, count: int) -> np.ndarray:
    """Draws number start+1 ... start+count of SplitMix64(seed) (the first draw is number 1)."""
    k = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + k * GAMMA
        z = (z ^ (z >> np.uint64(30))) * M1
        z = (z ^ (z >> np.uint64(27))) * M2
    return z ^ (z >> np.uint64(31))


def write_big(path: str, total: int = 1 << 30, seed: int = 7) -> None:
    block = 8 << 20  # bytes, as the Swift writer; little-endian words
    with open(path, "wb") as out:
        done = 0
        while done < total:
            n = min(block, total - done)
            words = splitmix(seed, done // 8, (n + 7) // 8)
            out.write(words.astype("<u8").tobytes()[:n])
            done += n


def write_files(folder: str, count: int = 10_000, seed: int = 17) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    drawn = 0
    for i in range(count):
        sub = f"{folder}/part-{i // 100}"
        if i % 100 == 0:
            os.makedirs(sub)
        size = 512 + int(splitmix(seed, drawn, 1)[0] % np.uint64(3584))
        drawn += 1
        data = (np.uint64(32) + splitmix(seed, drawn, size) % np.uint64(90)).astype(np.uint8)
        drawn += size
        with open(f"{sub}/file-{i}.txt", "wb") as out:
            out.write(data.tobytes())


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("big", "files"):
        sys.exit("usage: make_add_inputs.py big PATH | files FOLDER")
    (write_big if sys.argv[1] == "big" else write_files)(sys.argv[2])
