/// The `mldeck.yaml` of the demo workspace: the churn pipeline (split, XGBoost, evaluate,
/// register, deploy when better than production).
enum DemoPipelineYAML {
    static let text = """
    # mldeck.yaml of the demo workspace (made by `mldeck demo`).
    # Try: mldeck run churn -p max_depth=8     (then watch it in the Runs pane)
    pipelines:
      churn:
        dataset: churn
        params: {max_depth: 6, eta: 0.1, rounds: 120}
        steps:
          prepare:  {uses: split, with: {target: churn, exclude: [customer_id], validation_size: 0.2, test_size: 0.1, seed: 42}}
          train:
            uses: xgboost
            needs: [prepare]
            with: {max_depth: "${params.max_depth}", eta: "${params.eta}", rounds: "${params.rounds}", early_stopping_rounds: 10, eval_metric: [logloss, auc]}
          evaluate: {uses: evaluate, needs: [train]}
          register: {uses: register, needs: [evaluate], with: {model: churn-model}}
          deploy:   {uses: deploy, needs: [register], if: "metrics.auc > production.metrics.auc"}

    """
}
