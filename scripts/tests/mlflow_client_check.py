"""An MLflow training script's calls, made with the real MLflow client (mlflow-skinny, pinned in
scripts/requirements-test.txt) against `mldeck server` (MLFLOW_TRACKING_URI). It checks what the
client reads back and fails (exit 1) on any failed check, any Python warning and any warning
logged by mlflow. On success it prints one JSON line with the ids of the runs it made, which
Tests/EndToEndTests/Server/MLflowServerEndToEndTests.swift then checks through `mldeck runs show`.

Usage: MLFLOW_TRACKING_URI=http://127.0.0.1:PORT python mlflow_client_check.py WORKDIR
"""
import json
import logging
import math
import os
import sys
import warnings

WARNINGS = []


class Recorder(logging.Handler):
    def emit(self, record):
        if record.levelno >= logging.WARNING:
            WARNINGS.append(f"{record.name}: {record.getMessage()}")


warnings.simplefilter("always")
logging.getLogger().addHandler(Recorder())
logging.getLogger("mlflow").addHandler(Recorder())

with warnings.catch_warnings(record=True) as caught:
    import mlflow
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    def check(condition, message):
        if not condition:
            print(f"CHECK FAILED: {message}", file=sys.stderr)
            sys.exit(1)

    workdir = sys.argv[1]
    os.makedirs(workdir, exist_ok=True)
    client = MlflowClient()

    # Experiments: set_experiment creates it on first use, then finds it by name.
    experiment = mlflow.set_experiment("mlflow-compat")
    check(experiment.name == "mlflow-compat", f"experiment name {experiment.name}")
    again = mlflow.set_experiment("mlflow-compat")
    check(again.experiment_id == experiment.experiment_id, "set_experiment found the same experiment")
    check(client.get_experiment("0").name == "Default", "experiment 0 is Default")

    # A named run with params, metrics over steps, NaN and infinity, tags, artifacts, a nested run.
    with mlflow.start_run(run_name="parent") as parent:
        run_id = parent.info.run_id
        check(parent.info.run_name == "parent", f"run name {parent.info.run_name}")
        mlflow.log_param("lr", 0.1)
        mlflow.log_params({"depth": 6, "optimizer": "adam"})
        for step in range(5):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.875, "nan_metric": float("nan"), "inf_metric": float("inf")}, step=1)
        mlflow.log_metric("neg_inf", float("-inf"))
        mlflow.set_tag("team", "ml")
        mlflow.set_tags({"stage": "dev", "team": "ml2"})  # tags may change
        mlflow.log_param("lr", 0.1)  # the same value again is fine
        try:
            mlflow.log_param("lr", 0.2)
            check(False, "changing a param must fail")
        except MlflowException as error:
            check(error.error_code == "INVALID_PARAMETER_VALUE", f"changed param error code {error.error_code}")
            check("Changing param values is not allowed" in error.message, f"changed param message {error.message}")

        with open(os.path.join(workdir, "notes.txt"), "w") as f:
            f.write("hello from mlflow\n")
        mlflow.log_artifact(os.path.join(workdir, "notes.txt"))
        plots = os.path.join(workdir, "plots")
        os.makedirs(os.path.join(plots, "sub"), exist_ok=True)
        with open(os.path.join(plots, "a.csv"), "w") as f:
            f.write("x,y\n1,2\n")
        with open(os.path.join(plots, "sub", "b.json"), "w") as f:
            f.write('{"b": 1}\n')
        mlflow.log_artifacts(plots, artifact_path="plots")

        with mlflow.start_run(run_name="child", nested=True) as child:
            child_id = child.info.run_id
            mlflow.log_metric("child_metric", 3.5)

    top = sorted((a.path, a.is_dir) for a in client.list_artifacts(run_id))
    check(top == [("notes.txt", False), ("plots", True)], f"top artifacts {top}")
    inner = sorted((a.path, a.is_dir, a.file_size) for a in client.list_artifacts(run_id, "plots"))
    check(inner == [("plots/a.csv", False, 8), ("plots/sub", True, None)], f"plots artifacts {inner}")
    local = mlflow.artifacts.download_artifacts(run_id=run_id, dst_path=os.path.join(workdir, "download"))
    with open(os.path.join(local, "plots", "sub", "b.json")) as f:
        check(f.read() == '{"b": 1}\n', "downloaded plots/sub/b.json")
    with open(os.path.join(local, "notes.txt")) as f:
        check(f.read() == "hello from mlflow\n", "downloaded notes.txt")

    got = client.get_run(run_id)
    check(got.data.params == {"lr": "0.1", "depth": "6", "optimizer": "adam"}, f"params {got.data.params}")
    check(got.data.metrics["loss"] == 0.2, f"latest loss {got.data.metrics['loss']}")
    check(math.isnan(got.data.metrics["nan_metric"]), "NaN came back")
    check(got.data.metrics["inf_metric"] == float("inf"), "infinity came back")
    check(got.data.metrics["neg_inf"] == float("-inf"), "-infinity came back")
    check(got.data.tags["team"] == "ml2" and got.data.tags["stage"] == "dev", f"tags {got.data.tags}")
    check(got.info.status == "FINISHED", f"status {got.info.status}")
    check(got.info.artifact_uri == f"mlflow-artifacts:/{experiment.experiment_id}/{run_id}/artifacts", got.info.artifact_uri)
    check(client.get_run(child_id).data.tags.get("mlflow.parentRunId") == run_id, "child's parent tag")

    history = client.get_metric_history(run_id, "loss")
    check([(m.step, m.value) for m in history] == [(s, 1.0 / (s + 1)) for s in range(5)], f"history {history}")

    # An unnamed run (the server names it) and a run in the Default experiment, created without a lookup.
    with mlflow.start_run() as unnamed:
        unnamed_id = unnamed.info.run_id
        mlflow.log_metric("loss", 0.5)
    check(client.get_run(unnamed_id).info.run_name not in (None, ""), "an unnamed run gets a name")
    default_run = client.create_run("0", run_name="in-default")
    client.log_batch(default_run.info.run_id, params=[mlflow.entities.Param("k", "v")])
    client.set_terminated(default_run.info.run_id)

    # Enough runs for several pages, searched with filter and order (client and pandas).
    for i in range(7):
        with mlflow.start_run(run_name=f"sweep-{i}"):
            mlflow.log_metric("score", float(i))
            mlflow.log_param("i", i)
    seen, token = [], None
    while True:
        page = client.search_runs([experiment.experiment_id], filter_string="metrics.score >= 0",
                                  order_by=["metrics.score DESC"], max_results=3, page_token=token)
        seen += [r.data.metrics["score"] for r in page]
        token = page.token
        if not token:
            break
    check(seen == [6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0], f"paged search {seen}")
    frame = mlflow.search_runs(experiment_names=["mlflow-compat"], filter_string="metrics.score >= 4 AND params.i != '6'",
                               order_by=["metrics.score ASC"])
    check(list(frame["metrics.score"]) == [4.0, 5.0], f"pandas search {list(frame['metrics.score'])}")
    check(list(frame["tags.mlflow.runName"]) == ["sweep-4", "sweep-5"], f"pandas names {list(frame['tags.mlflow.runName'])}")
    named = client.search_runs([experiment.experiment_id], filter_string="attributes.run_name = 'parent'")
    check([r.info.run_id for r in named] == [run_id], "search by run name")

    # Deleting a run hides it from active searches.
    with mlflow.start_run(run_name="to-delete") as doomed:
        doomed_id = doomed.info.run_id
    client.delete_run(doomed_id)
    check(client.get_run(doomed_id).info.lifecycle_stage == "deleted", "deleted run's lifecycle stage")
    active = [r.info.run_id for r in client.search_runs([experiment.experiment_id], max_results=1000)]
    check(doomed_id not in active, "a deleted run is not active")
    deleted = [r.info.run_id for r in client.search_runs([experiment.experiment_id], run_view_type=mlflow.entities.ViewType.DELETED_ONLY)]
    check(deleted == [doomed_id], f"deleted only {deleted}")

    # A run that ends FAILED.
    mlflow.start_run(run_name="failing")
    failed_id = mlflow.active_run().info.run_id
    mlflow.log_metric("loss", 9.0)
    mlflow.end_run(status="FAILED")
    check(client.get_run(failed_id).info.status == "FAILED", "failed status")

    # An unknown run is MLflow's RESOURCE_DOES_NOT_EXIST, not a retried 5xx.
    try:
        client.get_run("0" * 32)
        check(False, "an unknown run must fail")
    except MlflowException as error:
        check(error.error_code == "RESOURCE_DOES_NOT_EXIST", f"unknown run code {error.error_code}")

for w in caught:
    WARNINGS.append(f"{w.category.__name__}: {w.message}")
if WARNINGS:
    print("WARNINGS:\n" + "\n".join(WARNINGS), file=sys.stderr)
    sys.exit(1)

print(json.dumps({"experiment_id": experiment.experiment_id, "parent": run_id, "child": child_id, "unnamed": unnamed_id,
                  "default": default_run.info.run_id, "deleted": doomed_id, "failed": failed_id}))
