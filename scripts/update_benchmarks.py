#!/usr/bin/env python3
"""Rewrites the figure tables in BENCHMARKS.md from `mldeck bench --json` output.

Usage: update_benchmarks.py BENCH.json BENCHMARKS.md

Each suite gets a section between `<!-- bench:SUITE:begin -->` and `<!-- bench:SUITE:end -->`
markers, stamped with the machine and date; text outside the markers is kept as written.
"""
import datetime
import json
import os
import platform
import re
import sys


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}"


def fmt(value: float) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(figures) -> str:
    rows = ["| figure | value | target | met | reference | ratio |", "|---|---|---|---|---|---|"]
    for f in figures:
        target = "-" if f.get("target") is None else ("≥ " if f["better"] == "higher" else "≤ ") + fmt(f["target"])
        met = "-"
        if f.get("target") is not None:
            met = "yes" if (f["value"] >= f["target"] if f["better"] == "higher" else f["value"] <= f["target"]) else "**no**"
        ref = "-"
        if f.get("reference_value") is not None:
            ref = f'{fmt(f["reference_value"])} {f["unit"]} ({f.get("reference", "")})'
        ratio = "-" if f.get("ratio") is None else f'{f["ratio"]:,.1f}×'
        name = f["name"] + (f' — {f["note"]}' if f.get("note") else "")
        rows.append(f'| {name} | {fmt(f["value"])} {f["unit"]} | {target} | {met} | {ref} | {ratio} |')
    return "\n".join(rows)


def main() -> None:
    bench_path, doc_path = sys.argv[1], sys.argv[2]
    with open(bench_path) as f:
        figures = json.load(f)
    doc = open(doc_path).read() if os.path.exists(doc_path) else "# Benchmarks\n"
    stamp = f"Measured {datetime.date.today().isoformat()} on {machine()}, release build, `OMP_WAIT_POLICY=passive`."
    suites = []
    for fig in figures:
        if fig["suite"] not in suites:
            suites.append(fig["suite"])
    for suite in suites:
        body = f"<!-- bench:{suite}:begin -->\n{stamp}\n\n{table([x for x in figures if x['suite'] == suite])}\n<!-- bench:{suite}:end -->"
        pattern = re.compile(rf"<!-- bench:{suite}:begin -->.*?<!-- bench:{suite}:end -->", re.S)
        if pattern.search(doc):
            doc = pattern.sub(lambda _: body, doc)
        else:
            doc += f"\n## `{suite}`\n\n{body}\n"
    with open(doc_path, "w") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
