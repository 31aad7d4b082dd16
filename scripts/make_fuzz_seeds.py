#!/usr/bin/env python3
"""Writes the seed corpora of the fuzzers (Fuzz/Corpus/<target>/seed-*) from the project's
fixtures, test inputs and the shared data. Run from the package root; re-running rewrites the
seeds (libFuzzer's own finds, named by their SHA-1, are left alone)."""
import glob, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "Corpus")
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
if not os.path.isdir(SHARED):
    SHARED = "/work/shared/data"

def put(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

def head(path, lines):
    with open(path, "rb") as f:
        return b"".join(f.readline() for _ in range(lines))

# Tables: flag byte (bit0 TSV, bit1 lenient, bit2 no header, bit3 two threads) + file.
tables = {
    "tricky": open(os.path.join(ROOT, "Tests/DeckMLTests/Fixtures/profile_tricky.csv"), "rb").read()[:8000],
    "churn": head(os.path.join(SHARED, "wa_churn.csv"), 12),
    "ames": head(os.path.join(SHARED, "ames.csv"), 6),
    "quotes": b'a,b,c\n"x, y","he said ""hi""",3\n"multi\nline",,4.5\r\n5\'6",NA,1e308\n',
    "types": b"id,when,flag,n\n1,2021-03-04,true,-0\n2,2021-03-04T05:06:07Z,False,inf\n3,,yes,NaN\n",
    "bom": b"\xef\xbb\xbfx,y\n1,2\n\n3,4\n",
    "ragged": b"a,b\n1\n1,2,3\n,\n",
    "dupes": b",a,a,\n1,2,3,4\n",
}
for i, (name, body) in enumerate(tables.items()):
    put("csv", name, bytes([i % 16]) + body)
put("csv", "tsv", bytes([1]) + b"a\tb\n1\t\"x\ty\"\n2\t3\n")

jsonl = {
    "plain": b'{"a": 1, "b": "x", "c": true}\n{"a": 2.5, "b": null, "c": false}\n',
    "nested": b'{"a": {"b": [1, 2]}, "s": "\\u00e9\\n"}\n{"a": 1}\n',
    "bad": b'{"a": 1}\n{"a": \n[1,2]\n{"a": 1e999}\n',
    "unicode": '{"naïve": "日本", "e": "\\ud83d\\ude00"}\n'.encode(),
}
for i, (name, body) in enumerate(jsonl.items()):
    put("jsonl", name, bytes([i * 2]) + body)

# The filter language: the test suite's expressions.
filters = set()
for path in glob.glob(os.path.join(ROOT, "Tests/DeckStoreTests/Query/*.swift")):
    for m in re.finditer(r'parse\("((?:[^"\\]|\\.){3,200})"', open(path).read()):
        filters.add(m.group(1).replace('\\"', '"'))
filters |= {"metrics.auc > 0.9 and (params.x = '1' or not tags.t LIKE 'a%')", "status IN ('FINISHED', 'FAILED')",
            "((((metrics.a > 1))))", "start_time > '2026-11-01'", "attributes.run_name ILIKE '%X_'"}
for i, f in enumerate(sorted(filters)):
    put("filter", "%02d" % i, f)

# mldeck.yaml: the test suite's YAML blocks and the design's example.
specs = []
for path in sorted(glob.glob(os.path.join(ROOT, "Tests/**/*.swift"), recursive=True)):
    text = open(path).read()
    for m in re.finditer(r'(?:yaml|YAML)\s*=\s*"""\n(.*?)\n\s*"""', text, re.S):
        body = m.group(1)
        if "pipelines:" in body and "\\(" not in body:
            specs.append(re.sub(r"(?m)^ {8}", "", body))
for i, body in enumerate(specs[:40]):
    put("spec", "%02d" % i, body + "\n")
put("spec", "anchors", "a: &x [1, 2]\nb: *x\npipelines:\n  p:\n    steps:\n      s: {run: echo, needs: []}\n")
put("spec", "triggers", "pipelines:\n  p:\n    steps:\n      t: {run: 'echo hi'}\n    triggers:\n"
    "      - {on: schedule, cron: '*/5 1-3 * JAN MON-FRI'}\n      - {on: dataset-update}\n      - {on: drift, model: m}\n")

# Scoring bodies: flag byte picks the content type (0 none, 1 json, 2 csv; +0x80 strict columns).
scoring = [
    (1, '{"dataframe_split": {"columns": ["tenure", "contract", "city"], "data": [[1, "Month", "A"], [null, "Year", "B"]]}}'),
    (1, '{"dataframe_records": [{"tenure": 3, "contract": "Month", "city": "C"}, {"contract": "x"}]}'),
    (0x81, '{"instances": [{"tenure": "41", "contract": "Year", "city": "A", "extra": 1}]}'),
    (1, '{"inputs": {"tenure": [1, 2], "contract": ["Month", null], "city": ["A", "Z"]}}'),
    (1, '{"inputs": [{"tenure": 1e400, "contract": "Month", "city": "A"}]}'),
    (4, '{"dataframe_split": {"index": [0], "columns": ["tenure"], "data": [[NaN]]}}'),
    (2, "tenure,contract,city\n1,Month,A\n,Year,B\n"),
    (3, "tenure,contract\n\"1\",\"Month\"\n"),
]
for i, (flag, body) in enumerate(scoring):
    put("scoring", "%02d" % i, bytes([flag]) + body.encode())

feedback = ['{"feedback": [{"id": "p1", "label": "Yes"}, {"prediction_id": "abc", "label": 1}]}',
            '{"prediction_ids": ["a", "b"], "labels": ["yes", 0.5]}', '{"ids": [1, 2], "labels": [true, null]}', '{"feedback": []}']
for i, body in enumerate(feedback):
    put("feedback", "%02d" % i, body)

# MLflow REST bodies (flag bit 0 of the first byte: a query string instead).
mlflow = [
    '{"experiment_id": "1", "run_name": "r", "start_time": 1700000000000, "tags": [{"key": "k", "value": "v"}]}',
    '{"run_id": "abc", "metrics": [{"key": "loss", "value": 0.5, "timestamp": 1700000000000, "step": 3}], '
    '"params": [{"key": "lr", "value": "0.1"}], "tags": [{"key": "t", "value": "x"}]}',
    '{"run_id": "abc", "key": "m", "value": "NaN", "timestamp": "1700000000000", "step": "-1"}',
    '{"experiment_ids": ["1", 2], "filter": "metrics.auc > 0.5", "max_results": 10, "order_by": ["metrics.auc DESC"], '
    '"page_token": "eyJvZmZzZXQiOiAxMH0="}',
    '{"run_id": "abc", "status": "FINISHED", "end_time": 1.7e12}',
    '{"filter": "name LIKE \'a%\' and tags.team = \'a\'"}',
]
for i, body in enumerate(mlflow):
    put("mlflow", "%02d" % i, body)
put("mlflow", "query", b"\x01run_id=abc&path=a%2Fb&experiment_ids=1&experiment_ids=2&max_results=5")

metrics = ['{"key": "loss", "value": 0.41, "step": 3}', '{"params": {"lr": "0.1", "depth": 6}}', '{"tags": {"note": "x"}}',
           '{"artifact": "plots/roc.png"}', '{"key": "auc", "value": "NaN", "step": 1, "timestamp": 1700000000.5}',
           '{"key": "k", "value": 1e999, "step": 9223372036854775807}']
for i, line in enumerate(metrics):
    put("metrics-line", "%02d" % i, line)

for path in sorted(glob.glob(os.path.join(ROOT, "themes", "*.theme"))):
    put("theme", os.path.basename(path), open(path, "rb").read())
put("theme", "odd", "name = x\nselection = 999\nstatus.running = bold underline #zz0000\nunknown.slot = red\n= \n")
print("seeds written under", CORPUS)
