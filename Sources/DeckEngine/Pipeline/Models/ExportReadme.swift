import DeckStore
import Foundation

/// The `README.md` that `models export` writes into the export folder: what the model predicts,
/// the inputs it reads and how each is encoded, and how to score with `mldeck_model.py`.
enum ExportReadme {
    static let fileName = "README.md"

    /// The README for `version`; `spec` is nil for a version registered without preprocessing
    /// (then only the XGBoost model can be loaded, with features prepared by hand).
    static func text(version: ModelVersionRecord, spec: PreprocessingSpec?) -> String {
        var out = "# \(version.reference)\n\n"
        out += "Exported by `mldeck models export`"
        if let dataset = version.datasetReference { out += " — trained on dataset `\(dataset)`" }
        if let run = version.runID { out += " in run `\(run.prefix(8))`" }
        out += ".\n\n"
        guard let spec else {
            out += "This version has no preprocessing spec, so `mldeck_model.py` is not included: load `model.json` "
            out += "with `xgboost.Booster(model_file=\"model.json\")` and build its feature matrix yourself.\n"
            return out + files(loader: false)
        }
        out += summary(spec)
        out += """

            ## Score in Python

            ```python
            import pandas as pd
            from mldeck_model import load

            m = load("path/to/this/folder")   # load() alone: the folder mldeck_model.py is in
            df = pd.read_csv("new.csv", keep_default_na=False, na_values=[""])   # read as MLDeck reads it
            m.predict(df)                     # \(spec.task == .regression ? "predicted values (numpy array)" : "labels, as in the training data (numpy array)")

            """
        if spec.task != .regression {
            out += "m.predict_proba(df)               # one column per class, in m.classes order\n"
        }
        out += """
            ```

            `mldeck_model.py` is the same file in every export: put it beside your code, or add this folder to
            `sys.path` (`PYTHONPATH=path/to/this/folder`). It needs `numpy` and `xgboost` (`pip install xgboost-cpu
            pandas`); a pandas DataFrame, a dict of columns or a list of row dicts can be scored. Columns are found
            by name; other columns are ignored. It predicts what `mldeck models predict \(version.reference) FILE`
            prints, to 1e-6.

            `pd.read_csv(..., keep_default_na=False, na_values=[""])` reads a CSV as MLDeck does: only an empty
            cell is missing (pandas' defaults also read `NA`, `null`, `n/a`, … as missing).

            ## How inputs are encoded

            - **numeric** columns: the number as a 32-bit float; booleans (`True`/`False`, `true`, `TRUE`, …)
              as 1/0; dates and ISO 8601 datetimes as seconds since 1970-01-01 UTC; missing → NaN.
            - **one-hot** columns: one 0/1 feature per category seen in training; a missing value sets them
              **all to 0** (not NaN).
            - **ordinal** columns (more than the one-hot limit of categories): the category's position among
              those seen in training; missing → NaN.
            - A category the model never saw is scored as missing, with a warning naming row, column and
              value — as `mldeck models predict` and `mldeck serve` do.
            - Text in a numeric column is an error (`mldeck_model.ScoringError`, listing row, column and
              value); `predict(df, lenient=True)` scores it as missing and warns, like `--lenient`.


            """
        out += inputsTable(spec)
        return out + files(loader: true)
    }

    private static func summary(_ spec: PreprocessingSpec) -> String {
        var out = "- target: `\(spec.target)`\n- task: \(spec.task.rawValue)\n"
        switch spec.task {
        case .binary:
            let classes = spec.classes ?? []
            out += "- classes: \(classes.map { "`\($0)`" }.joined(separator: ", "))\n"
            if let positive = spec.positiveClass {
                out += "- positive class: `\(positive)` — the model predicts P(\(positive)); `predict` returns "
                out += "`\(positive)` when it is above 0.5 (`predict(df, threshold=…)` to change it)\n"
            }
        case .multiclass:
            out += "- classes: \((spec.classes ?? []).map { "`\($0)`" }.joined(separator: ", ")) — `predict` returns the most probable one\n"
        case .regression:
            out += "- predicts a number\n"
        }
        if let id = spec.idColumn { out += "- id column (not an input): `\(id)`\n" }
        return out
    }

    private static func inputsTable(_ spec: PreprocessingSpec) -> String {
        var out = "## Inputs (\(spec.inputs.count))\n\n| column | type | encoding | categories seen in training |\n|---|---|---|---|\n"
        for input in spec.inputs {
            let categories = input.categories ?? []
            var shown = categories.prefix(12).map { "`\(cell($0))`" }.joined(separator: ", ")
            if categories.count > 12 { shown += ", … (\(categories.count) in all)" }
            out += "| \(cell(input.name)) | \(input.type) | \(input.encoding.rawValue) | \(shown) |\n"
        }
        return out + "\n"
    }

    /// Text safe inside a Markdown table cell.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "`", with: "'")
    }

    private static func files(loader: Bool) -> String {
        var out = "## Files\n\n- `model.json`: the XGBoost model (`xgboost.Booster(model_file=\"model.json\")`)\n"
        out += "- `preprocessing.json`: the encodings, categories and class labels\n"
        out += "- `signature.json`: the input columns and their types\n- `version.json`: the registry's record of this version\n"
        if loader { out += "- `mldeck_model.py`: the loader above\n" }
        return out
    }
}
