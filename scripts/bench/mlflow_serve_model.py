"""Builds the `mlflow models serve` reference of BENCHMARKS.md ("serve"): the same churn data as
`mldeck bench serve` (its kept workspace's churn.csv), the same preprocessing idea (one-hot
categories, numbers as they are) and the same kind of model (XGBoost, 200 trees of depth 6),
saved as an MLflow sklearn-flavour model that `mlflow models serve` loads.

    python scripts/bench/mlflow_serve_model.py CHURN_CSV OUT_DIR [xgboost|logistic]
"""
import sys

import mlflow.sklearn
import pandas as pd
from mlflow.models import infer_signature
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

csv, out = sys.argv[1], sys.argv[2]
kind = sys.argv[3] if len(sys.argv) > 3 else "xgboost"
df = pd.read_csv(csv, keep_default_na=False, na_values=[""])
y = (df.pop("churn") == "Yes").astype(int)
X = df.drop(columns=["customer_id"])
categorical = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
numeric = [c for c in X.columns if c not in categorical]
X[numeric] = X[numeric].astype("float64")
pre = ColumnTransformer([
    ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
    ("num", SimpleImputer(strategy="median") if kind == "logistic" else "passthrough", numeric),
])
if kind == "logistic":
    model = Pipeline([("pre", pre), ("scale", StandardScaler(with_mean=False)), ("clf", LogisticRegression(max_iter=1000))])
else:
    from xgboost import XGBClassifier
    model = Pipeline([("pre", pre), ("clf", XGBClassifier(n_estimators=200, max_depth=6, learning_rate=0.1, n_jobs=1))])
# The request carries customer_id too (as MLDeck's bench sends it): keep it in the signature
# so MLflow's schema check accepts it, and drop it inside the model.
X_sig = pd.concat([df[["customer_id"]], X], axis=1)


full = Pipeline([("drop", ColumnTransformer([("keep", "passthrough", list(X.columns))], verbose_feature_names_out=False).set_output(transform="pandas")),
                 ("model", model)])
full.fit(X_sig, y)
mlflow.sklearn.save_model(full, out, signature=infer_signature(X_sig, full.predict(X_sig)), input_example=X_sig.head(1))
print(f"saved {kind} pipeline to {out}: {len(categorical)} categorical, {len(numeric)} numeric inputs")
