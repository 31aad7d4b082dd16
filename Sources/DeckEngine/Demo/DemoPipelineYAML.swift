/// The `mldeck.yaml` of the demo workspace: the churn pipeline (split, XGBoost, evaluate,
/// register, deploy when better than production; retrained on a drift alert), the production
/// pipeline (select the best version by a policy, deploy it when it beats production; monthly
/// schedule) and the monitor of `churn-model` (the last 500 logged predictions).
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
        # Retrain when the monitor below raises a drift alert on the production model.
        # See: mldeck triggers list      mldeck alerts list
        triggers:
          - {on: drift, model: churn-model}
      # The production pipeline: no dataset, no training. It picks the best registered version by
      # a policy and deploys it only when it beats the current production version.
      # Try: mldeck run production      then: mldeck models deployments churn-model
      production:
        steps:
          pick: {uses: select, with: {model: churn-model, best_by: auc, where: "metrics.auc >= 0.8 and dataset = 'churn'"}}
          ship: {uses: deploy, needs: [pick]}
        triggers:
          - {on: schedule, cron: "0 6 1 * *"}
    # Drift of the endpoint's logged predictions (mldeck serve churn-model) against the production
    # version's training split, judged by `mldeck agent` (or the dashboard while it is open).
    # Try: mldeck monitor churn-model      then: mldeck alerts show 1
    monitors:
      churn-model:
        window: 500
        min_rows: 100

    """
}
