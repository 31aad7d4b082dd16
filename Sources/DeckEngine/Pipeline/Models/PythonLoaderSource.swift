/// The Python loader `models export` writes beside an exported model (`mldeck_model.py`): reads
/// `model.json`, `preprocessing.json` and `signature.json` from its folder and encodes a pandas
/// DataFrame (or a dict of columns, or a list of row dicts) with exactly the rules of
/// ``FeatureTransformer`` and ``ScoringInputCheck``, then predicts with Python's xgboost as
/// ``LoadedModel/interpret(_:spec:threshold:)`` does. The same file serves every export.
/// Checked against `mldeck models predict` by `PythonLoaderEndToEndTests`.
enum PythonLoaderSource {
    static let fileName = "mldeck_model.py"

    static let text = #"""
"""Scores data with a model exported by `mldeck models export`, encoding it exactly as MLDeck does.

    from mldeck_model import load
    m = load("out/")          # the export folder (default: the folder of this file)
    m.predict(df)             # labels (classification) or numbers (regression)
    m.predict_proba(df)       # class probabilities, columns in m.classes order

Reads model.json (XGBoost), preprocessing.json and signature.json beside it. Needs numpy and
xgboost; a pandas DataFrame, a dict of columns or a list of row dicts can be scored.
Written by MLDeck (see README.md in this folder); a new export replaces it.
"""
import datetime as _dt
import difflib
import json
import math
import os
import re
import warnings

import numpy as np

__all__ = ["load", "MLDeckModel", "ScoringError", "MissingColumnError"]

FORMAT = 1
LISTED_PROBLEMS = 10
_TRUE = {"True", "true", "TRUE"}
_FALSE = {"False", "false", "FALSE"}
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
                  r"(Z|[+-]\d{2}(?::?\d{2})?)?)?$")
_EPOCH = _dt.datetime(1970, 1, 1)


class ScoringError(ValueError):
    """Values the model cannot read: text in a numeric column (a category it never saw is scored as missing, with a warning).
    `problems` lists (row, column, value, kind) for each, rows counted from 1."""

    def __init__(self, problems):
        self.problems = problems
        listed = "\n  ".join(_describe(p) for p in problems[:LISTED_PROBLEMS])
        more = f"\n  … and {len(problems) - LISTED_PROBLEMS} more" if len(problems) > LISTED_PROBLEMS else ""
        super().__init__(f"{len(problems)} value{'' if len(problems) == 1 else 's'} cannot be scored:\n  {listed}{more}"
                         "\n(lenient=True scores them as missing values and warns for each; unseen categories always are)")


class MissingColumnError(KeyError):
    """The data lacks one of the model's input columns."""

    def __str__(self):
        return self.args[0]


def _describe(problem):
    row, column, value, kind = problem[:4]
    if kind == "not_a_number":
        return f"row {row}, column '{column}': '{value}' is not a number"
    known = problem[4] if len(problem) > 4 else []
    shown = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
    return f"row {row}, column '{column}': '{value}' is a category the model never saw (it knows: {shown})"


def load(directory=None, threads=None):
    """The model exported into `directory` (default: the folder holding this file)."""
    return MLDeckModel(directory or os.path.dirname(os.path.abspath(__file__)), threads=threads)


def _is_missing(v):
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, str):
        return v == ""
    if isinstance(v, np.floating):
        return bool(np.isnan(v))
    if isinstance(v, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(v))
    return type(v).__name__ in ("NAType", "NaTType")


def _seconds(v):
    """Seconds since 1970-01-01 UTC of a date or datetime (a naive one is read as UTC)."""
    if isinstance(v, np.datetime64):
        return float((v - np.datetime64(0, "s")) / np.timedelta64(1, "s"))
    if isinstance(v, _dt.datetime):
        if v.tzinfo is not None and v.utcoffset() is not None:
            v = v.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        delta = v.replace(tzinfo=None) - _EPOCH
        return delta.days * 86400.0 + delta.seconds + delta.microseconds / 1e6 + getattr(v, "nanosecond", 0) / 1e9
    return float((v - _EPOCH.date()).days * 86400)


def _iso_seconds(text):
    """MLDeck's reading of an ISO 8601 date or datetime, or None."""
    m = _ISO.match(text)
    if not m:
        return None
    y, mo, d, hh, mm, ss, frac, zone = m.groups()
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    days = (_dt.date(int(y), int(mo), 1) - _EPOCH.date()).days + int(d) - 1
    seconds = float(days * 86400)
    if hh is None:
        return seconds
    if int(hh) >= 24 or int(mm) >= 60 or (ss is not None and int(ss) > 60):
        return None
    seconds += int(hh) * 3600 + int(mm) * 60 + (int(ss) if ss else 0)
    if frac:
        seconds += sum(int(c) * 10.0 ** -(k + 1) for k, c in enumerate(frac))
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 3600 + (int(digits[2:4]) * 60 if len(digits) > 2 else 0)
        seconds -= offset if zone[0] == "+" else -offset
    return seconds


def _number(v):
    """A cell as a number the way MLDeck reads it, or None when it is text that is not one."""
    if _is_missing(v):
        return math.nan
    if isinstance(v, (bool, np.bool_)):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, (_dt.date, np.datetime64)):
        return _seconds(v)
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    text = str(v).strip(" \t")
    if text in _TRUE:
        return 1.0
    if text in _FALSE:
        return 0.0
    if _NUMBER.match(text):
        return float(text)
    return _iso_seconds(text)


def _category(v, known):
    """A cell as the category text MLDeck compares with the categories seen in training."""
    if isinstance(v, (bool, np.bool_)):
        words = ["True", "true", "TRUE", "1"] if v else ["False", "false", "FALSE", "0"]
        return next((w for w in words if w in known), words[0])
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return v if isinstance(v, str) else str(v)


def _codes(values):
    """(codes, distinct values): code -1 for a missing cell."""
    if hasattr(values, "to_numpy"):
        arr = values.to_numpy()
    elif isinstance(values, np.ndarray):
        arr = values.ravel()
    else:
        items = list(values)
        arr = np.empty(len(items), dtype=object)
        arr[:] = items
    if arr.dtype.kind in "biuf":
        floats = arr.astype(np.float64)
        present = ~np.isnan(floats)
        distinct, inverse = np.unique(floats[present], return_inverse=True)
        codes = np.full(len(arr), -1, dtype=np.int64)
        codes[present] = inverse.ravel()
        cast = bool if arr.dtype.kind == "b" else int if arr.dtype.kind in "iu" else float
        return codes, [cast(x) for x in distinct.tolist()]
    if arr.dtype.kind == "M":
        arr = np.array([None if np.isnat(x) else x for x in arr], dtype=object)
    index, distinct = {}, []
    codes = np.empty(len(arr), dtype=np.int64)
    for i, v in enumerate(arr.tolist() if arr.dtype != object else arr):
        if _is_missing(v):
            codes[i] = -1
            continue
        key = (True, bool(v)) if isinstance(v, (bool, np.bool_)) else (False, v)
        code = index.get(key)
        if code is None:
            code = index[key] = len(distinct)
            distinct.append(v)
        codes[i] = code
    return codes, distinct


class MLDeckModel:
    """An exported MLDeck model: its XGBoost booster and the preprocessing it was trained with."""

    def __init__(self, directory, threads=None):
        import xgboost

        self.directory = os.path.abspath(directory)
        with open(os.path.join(self.directory, "preprocessing.json"), encoding="utf-8") as f:
            self.spec = json.load(f)
        if self.spec.get("format", 1) > FORMAT:
            raise ValueError(f"{self.directory}/preprocessing.json has format {self.spec['format']}: "
                             "export the model again with this MLDeck, or use the mldeck_model.py exported with it")
        signature = os.path.join(self.directory, "signature.json")
        with open(signature, encoding="utf-8") as f:
            self.signature = [(c["name"], c["type"]) for c in json.load(f)["inputs"]]
        self.booster = xgboost.Booster(model_file=os.path.join(self.directory, "model.json"))
        if threads:
            self.booster.set_param({"nthread": int(threads)})
        self._xgboost = xgboost

    task = property(lambda self: self.spec["task"], doc="binary, multiclass or regression")
    target = property(lambda self: self.spec["target"], doc="the column the model predicts")
    classes = property(lambda self: list(self.spec.get("classes") or []), doc="class labels in probability order")
    feature_names = property(lambda self: list(self.spec["featureNames"]), doc="the matrix columns")
    inputs = property(lambda self: [c["name"] for c in self.spec["inputs"]], doc="the columns the data must have")

    @property
    def positive_class(self):
        """The class whose probability a binary model predicts (classes[1])."""
        return self.classes[1] if self.task == "binary" and len(self.classes) == 2 else None

    def __repr__(self):
        return f"MLDeckModel({self.directory!r}, task={self.task!r}, target={self.target!r}, inputs={len(self.inputs)})"

    def _column(self, data, name):
        if isinstance(data, dict):
            columns = list(data)
        elif isinstance(data, (list, tuple)):
            columns = list(data[0]) if data else []
            if name in columns:
                return [row.get(name) for row in data]
        else:
            columns = list(data.columns)
        if name not in columns:
            close = difflib.get_close_matches(name, [str(c) for c in columns], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise MissingColumnError(f"no column '{name}'{hint}; the model reads: {', '.join(self.inputs)}")
        return data[name]

    def features(self, data, lenient=False):
        """The feature matrix (float32, NaN for missing) MLDeck builds from `data`."""
        first = self._column(data, self.inputs[0]) if self.inputs else []
        rows = len(first)
        X = np.zeros((rows, len(self.feature_names)), dtype=np.float32)
        problems = []
        for spec in self.spec["inputs"]:
            name, offset, encoding = spec["name"], spec["offset"], spec["encoding"]
            codes, distinct = _codes(self._column(data, name))
            if encoding == "numeric":
                values = np.array([_number(v) for v in distinct] + [math.nan], dtype=object)
                for k in (k for k, v in enumerate(values[:-1]) if v is None):
                    problems += [(int(r) + 1, name, str(distinct[k]), "not_a_number") for r in np.flatnonzero(codes == k)]
                numbers = np.array([math.nan if v is None else v for v in values], dtype=np.float64)
                X[:, offset] = numbers[codes].astype(np.float32)
                continue
            known = spec.get("categories") or []
            position = {c: i for i, c in enumerate(known)}
            texts = [_category(v, position) for v in distinct]
            found = np.array([position.get(t, -1) for t in texts] + [-1], dtype=np.int64)
            for k in np.flatnonzero(found[:-1] < 0):
                problems += [(int(r) + 1, name, texts[k], "unseen_category", known) for r in np.flatnonzero(codes == k)]
            p = found[codes]
            if encoding == "onehot":  # missing or unseen: every column 0
                hit = np.flatnonzero(p >= 0)
                X[hit, offset + p[hit]] = 1
            else:  # ordinal: missing or unseen: NaN
                X[:, offset] = np.where(p >= 0, p, np.nan).astype(np.float32)
        if problems:
            # As mldeck models predict and mldeck serve: an unseen category is scored as missing
            # with a warning; text in a numeric column is refused unless lenient.
            problems.sort(key=lambda q: (q[0], q[1]))
            refused = [q for q in problems if q[3] == "not_a_number"]
            if refused and not lenient:
                raise ScoringError(refused)
            for q in problems:
                warnings.warn(f"{_describe(q)} (scored as missing)", stacklevel=3)
        return X

    def predict_raw(self, data, lenient=False):
        """XGBoost's output: P(classes[1]) (binary), one probability per class (multiclass) or values."""
        X = self.features(data, lenient)
        if len(X) == 0:
            k = len(self.classes) if self.task == "multiclass" else 0
            return np.zeros((0, k) if k else 0, dtype=np.float64)
        matrix = self._xgboost.DMatrix(X, feature_names=self.feature_names, missing=np.nan)
        return np.asarray(self.booster.predict(matrix), dtype=np.float64)

    def predict(self, data, lenient=False, threshold=0.5):
        """Labels (as in the training data) for classifiers, values for regression: a numpy array.
        Binary: classes[1] when its probability is above `threshold`."""
        raw = self.predict_raw(data, lenient)
        if self.task == "regression":
            return raw
        classes = np.array(self.classes, dtype=object)
        if self.task == "binary":
            return classes[(raw > threshold).astype(np.int64)]
        return classes[np.argmax(raw, axis=1)] if len(raw) else classes[:0]

    def predict_proba(self, data, lenient=False):
        """Class probabilities, one column per class in `classes` order (binary: [1 - p, p])."""
        raw = self.predict_raw(data, lenient)
        if self.task == "regression":
            raise TypeError("a regression model has no class probabilities: use predict()")
        if self.task == "binary":
            return np.column_stack([1 - raw, raw])
        return raw

"""#
}
