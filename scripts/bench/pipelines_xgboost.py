#!/usr/bin/env python3
"""The Python side of `mldeck bench pipelines`: trains XGBoost on the same matrices and params.

usage: pipelines_xgboost.py DIR   (DIR holds train.f32, train.label, valid.f32, valid.label, shape.json)
Prints JSON: {"xgboost": version, "seconds": wall time of DMatrix + train (100 rounds, per-round
evaluation of logloss on train and validation) + save_model}.
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb

d = sys.argv[1]
shape = json.load(open(f"{d}/shape.json"))
cols = shape["columns"]
xt = np.fromfile(f"{d}/train.f32", dtype=np.float32).reshape(-1, cols)
yt = np.fromfile(f"{d}/train.label", dtype=np.float32)
xv = np.fromfile(f"{d}/valid.f32", dtype=np.float32).reshape(-1, cols)
yv = np.fromfile(f"{d}/valid.label", dtype=np.float32)
params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 6, "eta": 0.3, "nthread": 2,
          "eval_metric": ["logloss"]}
start = time.perf_counter()
dt = xgb.DMatrix(xt, label=yt, nthread=2)
dv = xgb.DMatrix(xv, label=yv, nthread=2)
booster = xgb.train(params, dt, num_boost_round=100, evals=[(dt, "train"), (dv, "validation")], verbose_eval=False)
booster.save_model(f"{d}/python_model.json")
print(json.dumps({"xgboost": xgb.__version__, "seconds": time.perf_counter() - start}))
