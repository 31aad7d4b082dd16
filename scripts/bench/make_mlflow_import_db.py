#!/usr/bin/env python3
"""An MLflow `sqlite:///` store of N runs (default 10,000) with 10 params and 5 metrics each, for
the `mldeck import mlflow` figure (scripts/bench/mlflow_import_bench.sh).

Written with sqlite3 alone, in MLflow 3.6.0's own schema: the CREATE statements are copied from
fixtures/mlflow-import/sqlite/mlflow.db, which the real MLflow made
(scripts/fixtures/make_mlflow_import_fixtures.py), and rows are filled as MLflow fills them
(runs, params, tags with mlflow.runName / mlflow.user / mlflow.source.name, metrics and
latest_metrics).

  python3 scripts/bench/make_mlflow_import_db.py /tmp/bench/mlflow.db [N]
"""
import os
import random
import sqlite3
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "..", "..", "fixtures", "mlflow-import", "sqlite", "mlflow.db")


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    if os.path.exists(out):
        os.remove(out)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    template = sqlite3.connect(f"file:{TEMPLATE}?mode=ro", uri=True)
    schema = [sql for (sql,) in template.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid")]
    version = template.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    db = sqlite3.connect(out)
    for sql in schema:
        db.execute(sql)
    db.execute("INSERT INTO alembic_version VALUES (?)", (version,))
    t0 = 1_767_225_600_000
    artifacts = "file://" + os.path.abspath(os.path.join(os.path.dirname(out), "mlruns"))
    db.execute("INSERT INTO experiments(experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (0, 'Default', ?, 'active', ?, ?)",
               (artifacts + "/0", t0, t0))
    db.execute("INSERT INTO experiments(experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (1, 'bench', ?, 'active', ?, ?)",
               (artifacts + "/1", t0, t0))
    rng = random.Random(7)
    runs, params, tags, metrics, latest = [], [], [], [], []
    for i in range(count):
        run = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        start = t0 + i * 1000
        name = f"run-{i}"
        runs.append((run, name, "LOCAL", "train.py", "", "bench", "FINISHED", start, start + 500, "", "active",
                     f"{artifacts}/1/{run}/artifacts", 1))
        params += [(f"p{k}", str(rng.randint(0, 100)), run) for k in range(10)]
        tags += [("mlflow.runName", name, run), ("mlflow.user", "bench", run), ("mlflow.source.name", "train.py", run)]
        for k in range(5):
            value = rng.random()
            metrics.append((f"m{k}", value, start + 100, run, 0, 0))
            latest.append((f"m{k}", value, start + 100, 0, 0, run))
    db.executemany("INSERT INTO runs(run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", runs)
    db.executemany("INSERT INTO params(key, value, run_uuid) VALUES (?,?,?)", params)
    db.executemany("INSERT INTO tags(key, value, run_uuid) VALUES (?,?,?)", tags)
    db.executemany("INSERT INTO metrics(key, value, timestamp, run_uuid, step, is_nan) VALUES (?,?,?,?,?,?)", metrics)
    db.executemany("INSERT INTO latest_metrics(key, value, timestamp, step, is_nan, run_uuid) VALUES (?,?,?,?,?,?)", latest)
    db.commit()
    print(f"wrote {out}: {count} runs, {len(params)} params, {len(metrics)} metric points", file=sys.stderr)


if __name__ == "__main__":
    main()
