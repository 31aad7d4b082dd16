"""MLflow 3 autologging and the model registry with the real client (mlflow-skinny, xgboost-cpu,
scikit-learn, pandas: pinned in scripts/requirements-test.txt) against `mldeck server`.

`mlflow.xgboost.autolog()` and `mlflow.sklearn.autolog()` train small models inside runs (they
call logged-models create / finalize / search, runs/outputs, runs/log-inputs); the XGBoost
model is then registered (`mlflow.register_model("models:/m-…")`), given an alias and read back
through the registry calls. Autologging swallows its own errors and only warns, so this exits 1
on any Python warning or any warning logged by mlflow, as on any failed check. On success it
prints one JSON line with the ids, which Tests/EndToEndTests/Server/MLflowServerEndToEndTests.swift
checks through `mldeck runs show` and `mldeck models show`.

Usage: MLFLOW_TRACKING_URI=http://127.0.0.1:PORT python mlflow_autolog_check.py
"""
import json
import logging
import sys
import warnings

WARNINGS = []


# Allowed, because they are about mlflow's own code, not the server: mlflow 3.6's autologging
# calls log_model(artifact_path=…) and warns about its own call, and its dataset digest calls
# pandas in a way pandas 3 warns about (Pandas4Warning). Every other warning fails the script.
ALLOWED = ["`artifact_path` is deprecated. Please use `name` instead.", "Pandas4Warning: Starting with pandas version 4.0"]


def allowed(message):
    return any(a in message for a in ALLOWED)


class Recorder(logging.Handler):
    def emit(self, record):
        if record.levelno >= logging.WARNING and not allowed(record.getMessage()):
            WARNINGS.append(f"{record.name}: {record.getMessage()}")


warnings.simplefilter("always")
logging.getLogger().addHandler(Recorder())
logging.getLogger("mlflow").addHandler(Recorder())


def check(condition, message):
    if not condition:
        print(f"CHECK FAILED: {message}", file=sys.stderr)
        sys.exit(1)


with warnings.catch_warnings(record=True) as caught:
    import mlflow
    import numpy as np
    import pandas as pd
    import xgboost
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException
    from sklearn.linear_model import Ridge

    client = MlflowClient()
    mlflow.set_experiment("mlflow-autolog")
    rng = np.random.default_rng(7)
    X = pd.DataFrame(rng.normal(size=(400, 4)), columns=["a", "b", "c", "d"])
    y = (X["a"] + 0.5 * X["b"] - X["c"] + rng.normal(scale=0.3, size=400) > 0).astype(int)

    # XGBoost: autolog logs params, per-round metrics, the dataset and the model (UBJSON).
    mlflow.xgboost.autolog(log_input_examples=False, importance_types=[])
    with mlflow.start_run(run_name="xgb-autolog") as run:
        dtrain = xgboost.DMatrix(X, label=y)
        xgboost.train({"max_depth": 3, "eta": 0.3, "objective": "binary:logistic", "eval_metric": "auc"},
                      dtrain, num_boost_round=10, evals=[(dtrain, "train")])
    xgb_run = run.info.run_id
    model = mlflow.last_logged_model()
    check(model is not None and model.source_run_id == xgb_run, f"logged model {model}")
    got = client.get_run(xgb_run)
    check(got.data.params.get("max_depth") == "3", f"autologged params {got.data.params}")
    check("train-auc" in got.data.metrics, f"autologged metrics {got.data.metrics}")
    # Autolog logs round 0 twice with the same step, time and value; MLflow's SQL store drops such
    # exact duplicates, mldeck keeps both points: compare the rounds, not the point count.
    history = client.get_metric_history(xgb_run, "train-auc")
    check(sorted({m.step for m in history}) == list(range(10)), f"one train-auc step per round: {history}")
    found = client.search_logged_models(experiment_ids=[got.info.experiment_id], filter_string="name = 'model'")
    check(model.model_id in [m.model_id for m in found], "search_logged_models finds it")
    mlflow.xgboost.autolog(disable=True)

    # scikit-learn: autolog logs params, training metrics and the pickled model (a regressor: a
    # classifier's autolog also draws plots, which need matplotlib, not pinned here).
    mlflow.sklearn.autolog(log_input_examples=False, log_datasets=True)
    with mlflow.start_run(run_name="sklearn-autolog") as run:
        Ridge(alpha=0.5).fit(X, y)
    sk_run = run.info.run_id
    got = client.get_run(sk_run)
    check(got.data.params.get("alpha") == "0.5", f"sklearn params {got.data.params}")
    check("training_r2_score" in got.data.metrics, f"sklearn metrics {got.data.metrics}")
    mlflow.sklearn.autolog(disable=True)

    # The registry: register the XGBoost model, alias it, read it back.
    version = mlflow.register_model(f"models:/{model.model_id}", "churn-mlflow")
    check(version.version == "1", f"first version {version.version}")
    second = client.create_model_version("churn-mlflow", f"models:/{model.model_id}", run_id=xgb_run, model_id=model.model_id)
    check(second.version == "2", f"second version {second.version}")
    client.set_registered_model_alias("churn-mlflow", "production", "1")
    by_alias = client.get_model_version_by_alias("churn-mlflow", "production")
    check(by_alias.version == "1" and by_alias.run_id == xgb_run, f"version by alias {by_alias}")
    registered = client.get_registered_model("churn-mlflow")
    check(registered.aliases == {"production": "1"}, f"aliases {registered.aliases}")
    check(client.get_model_version("churn-mlflow", "2").version == "2", "get_model_version")
    client.create_registered_model("empty-model")
    check(client.get_registered_model("empty-model").name == "empty-model", "an empty registered model")
    try:
        client.create_registered_model("empty-model")
        check(False, "creating a model twice must fail")
    except MlflowException as error:
        check(error.error_code == "RESOURCE_ALREADY_EXISTS", f"twice: {error.error_code}")
    names = [m.name for m in client.search_registered_models(filter_string="name = 'churn-mlflow'")]
    check(names == ["churn-mlflow"], f"search_registered_models {names}")
    check(sorted(m.name for m in client.search_registered_models()) == ["churn-mlflow", "empty-model"], "all registered models")
    try:
        client.get_model_version_by_alias("churn-mlflow", "nope")
        check(False, "an unknown alias must fail")
    except MlflowException as error:
        check(error.error_code == "RESOURCE_DOES_NOT_EXIST", f"unknown alias: {error.error_code}")

for w in caught:
    if not allowed(f"{w.category.__name__}: {w.message}"):
        WARNINGS.append(f"{w.category.__name__}: {w.message}")
if WARNINGS:
    print("WARNINGS:\n" + "\n".join(WARNINGS), file=sys.stderr)
    sys.exit(1)

print(json.dumps({"xgb": xgb_run, "sklearn": sk_run, "model_id": model.model_id}))
