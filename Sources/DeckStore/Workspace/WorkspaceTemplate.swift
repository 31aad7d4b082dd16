/// The commented `mldeck.yaml` written by `mldeck init`.
enum WorkspaceTemplate {
    static let configYAML = """
    # mldeck.yaml — pipelines, triggers and monitors of this workspace.
    # See `mldeck validate` and the README for every key.
    #
    # pipelines:
    #   churn:
    #     dataset: churn                 # registry name; latest version unless pinned (churn@3)
    #     params: {max_depth: 6, eta: 0.3, rounds: 200}
    #     steps:
    #       prepare:  {uses: split, with: {target: churn, test_size: 0.2, seed: 42}}
    #       train:    {uses: xgboost, needs: [prepare], with: {max_depth: "${params.max_depth}"}}
    #       evaluate: {uses: evaluate, needs: [train]}
    #       register: {uses: register, needs: [evaluate], with: {model: churn-model}}
    #       deploy:   {uses: deploy, needs: [register], if: "metrics.auc > production.metrics.auc"}
    #   custom:
    #     steps:
    #       train:
    #         run: python3 train.py
    #         deps: [train.py]
    #         outs: [model.bin]
    #         metrics: metrics.json
    pipelines: {}

    """
}
