"""Execute the notebooks in docs/notebooks/ and check the numbers they report.

Each notebook ends with a cell tagged ``jobbook-result`` that prints one line,
``JOBBOOK_RESULT {json}``. The tests run every notebook once (module-scoped cache)
with nbclient on the ``python3`` kernel, parse that line and assert the targets.
Independent of MkDocs; slow-ish (a few seconds per notebook): deselect with
``-m "not notebooks"``.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "docs" / "notebooks"
NOTEBOOKS = [
    "gradient-descent",
    "duality-kkt",
    "logistic-sgd",
    "pca-svd",
    "svm-dual",
    "kmeans-gmm-em",
    "recsys-two-tower",
    "decoding-kv-cache",
    "backprop-mlp",
    "attention-transformer",
    "trees-boosting",
    "evaluation-metrics",
]
RESULT_TAG = "jobbook-result"
RESULT_PREFIX = "JOBBOOK_RESULT "
KERNEL = "python3"
TIMEOUT = 120


def _execute(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},  # cwd = the notebook's folder
    )
    client.execute()
    return nb


@pytest.fixture(scope="module")
def executed() -> dict[str, nbformat.NotebookNode]:
    """Lazily executed notebooks, each run at most once per module."""

    class Cache(dict):
        def __missing__(self, name: str) -> nbformat.NotebookNode:
            self[name] = _execute(NB_DIR / f"{name}.ipynb")
            return self[name]

    return Cache()


def _result(nb: nbformat.NotebookNode) -> dict[str, Any]:
    cells = [c for c in nb.cells if RESULT_TAG in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected exactly one cell tagged {RESULT_TAG!r}"
    assert cells[0] is nb.cells[-1], "the result cell must be the last cell"
    text = "".join(
        out.get("text", "")
        for out in cells[0].get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )
    lines = text.splitlines()
    assert len(lines) == 1 and lines[0].startswith(RESULT_PREFIX), text
    return json.loads(lines[0][len(RESULT_PREFIX) :])


def test_python3_kernel_runs_this_interpreter():
    """The ``python3`` kernel must be the environment running the tests (the venv)."""
    KernelSpecManager().get_kernel_spec(KERNEL)  # raises NoSuchKernel if missing
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import sys; print(sys.prefix)")]
    )
    NotebookClient(nb, kernel_name=KERNEL, timeout=TIMEOUT).execute()
    prefix = nb.cells[0].outputs[0]["text"].strip()
    assert Path(prefix).resolve() == Path(sys.prefix).resolve()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_stored_clean(name: str):
    nb = nbformat.read(NB_DIR / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"] == {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "outputs must be cleared"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_executes_cleanly_with_a_figure(executed, name: str):
    nb = executed[name]
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert stderr == "", f"unexpected stderr (warnings?):\n{stderr}"
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert pngs, "expected at least one image/png output"


def test_gradient_descent(executed):
    r = _result(executed["gradient-descent"])
    assert r["newton_iters_quadratic"] == 1
    assert r["momentum_iters_quadratic"] < r["gd_iters_quadratic"]
    assert r["newton_iters_rosenbrock"] < r["momentum_iters_rosenbrock"] < r["gd_iters_rosenbrock"]
    # GD with the optimal step contracts by exactly rho per step: the count is ceil(estimate)
    assert abs(r["gd_iters_quadratic"] - math.ceil(r["gd_iters_estimate_quadratic"])) <= 1
    assert r["gd_exact_rate_rel_err"] < 1e-8 and r["closed_form_rel_err"] < 1e-8
    assert r["divergence_growth_eta_2_05_over_L"] > 1e5  # eta > 2/L diverges
    assert 0.95 < r["kappa_slope_gd"] < 1.05 and 0.4 < r["kappa_slope_momentum"] < 0.6
    # Newton: e_(k+1) / e_k^2 stays bounded; for GD the same ratio blows up
    assert r["newton_max_quadratic_ratio"] < 1.0
    assert r["gd_final_quadratic_ratio_rosenbrock"] > 1e5


def test_duality_kkt(executed):
    r = _result(executed["duality-kkt"])
    assert r["duality_gap"] < 1e-10
    assert r["max_complementary_slackness"] < 1e-10
    assert r["stationarity_residual"] < 1e-10
    assert r["primal_infeasibility"] < 1e-10
    # dual feasibility from multipliers solved without a sign constraint ...
    assert min(r["lambda_from_stationarity"]) >= -1e-10
    assert r["stationarity_residual_unsigned"] < 1e-10
    # ... and the same check rejects a feasible but non-optimal vertex
    assert min(r["lambda_at_nonoptimal_vertex"]) < -0.1
    # at least one active and one inactive constraint
    assert 0 < len(r["active_constraints"]) < len(r["lambda_star"])
    # weak duality near lambda*: never violated, and approached
    assert r["weak_duality_max_violation"] <= 1e-12
    assert r["weak_duality_closest_gap"] < 1e-6
    assert r["weak_duality_expansion_error"] < 1e-12
    # the two-point SVM of docs/math/duality.md: alpha* = 1/4
    assert r["svm_toy_alpha"] == pytest.approx([0.25, 0.25], abs=1e-8)
    assert r["svm_toy_max_abs_err"] < 1e-8


def test_logistic_sgd(executed):
    r = _result(executed["logistic-sgd"])
    # the final (full-batch polished) solution; a penalised intercept gives ~3e-4
    assert r["max_abs_weight_diff"] < 1e-6
    assert r["gradient_check_max_abs_err"] < 1e-8
    assert r["max_abs_weight_diff_sgd_averaged"] < 1e-2


def test_pca_svd(executed):
    r = _result(executed["pca-svd"])
    assert r["max_evr_diff"] < 1e-8
    assert r["max_component_diff"] < 1e-6
    assert r["sign_flips"] == 0 < r["raw_svd_sign_flips"]
    # rank-k PCA beats every random and every slightly rotated subspace
    assert r["eckart_young_min_margin_vs_random"] > 0
    assert r["eckart_young_min_increase_perturbed"] > 0


def test_svm_dual(executed):
    r = _result(executed["svm-dual"])
    assert r["toy_alpha"] == pytest.approx([0.25, 0.25], abs=1e-8)
    assert r["toy_w"] == pytest.approx([0.5, 0.5], abs=1e-8)
    assert abs(r["toy_b"]) < 1e-8
    assert r["toy_soft_c_eighth_max_abs_err"] < 1e-8
    assert r["dual_coef_rel_err_vs_sklearn"] < 1e-4
    assert r["w_rel_err_vs_sklearn"] < 1e-4 and r["b_rel_err_vs_sklearn"] < 1e-4
    # all three complementary-slackness cases occur and hold
    assert min(r["n_alpha_zero"], r["n_alpha_free"], r["n_alpha_at_c"]) > 0
    assert 0 < r["n_misclassified"] <= r["n_alpha_at_c"]
    assert r["max_kkt_violation"] < 1e-6
    assert r["relative_duality_gap"] < 1e-8


def test_kmeans_gmm_em(executed):
    r = _result(executed["kmeans-gmm-em"])
    assert r["kmeans_max_rel_increase"] <= 1e-9
    assert r["kmeans_center_diff_vs_sklearn"] < 1e-10
    assert r["kmeanspp_mean_J"] < 0.9 * r["random_init_mean_J"]
    assert r["em_min_loglik_step"] >= -1e-9  # EM never decreases the likelihood
    assert r["gmm_loglik_diff_vs_sklearn"] < 1e-10
    assert r["gmm_param_diff_vs_sklearn"] < 1e-8
    # a collapsing component: +d ln 10 per decade of sigma, d = 2
    assert abs(r["collapse_gain_per_decade"] - 2 * math.log(10)) < 1e-6


def test_recsys_two_tower(executed):
    r = _result(executed["recsys-two-tower"])
    assert r["recall_at_20_inbatch_logq"] > 2 * r["recall_at_20_popularity"]
    assert r["recall_at_20_full_softmax"] > 2 * r["recall_at_20_popularity"]
    assert r["recall_at_20_inbatch_logq"] > r["recall_at_20_inbatch"] + 0.05
    # in-batch negatives shift the scores by about -log q_j; logQ removes the shift
    assert -1.3 < r["slope_shift_inbatch"] < -0.7
    assert abs(r["slope_shift_inbatch_logq"]) < 0.25 * abs(r["slope_shift_inbatch"])
    assert r["head_share_inbatch"] < r["head_share_inbatch_logq"]


def test_decoding_kv_cache(executed):
    r = _result(executed["decoding-kv-cache"])
    assert r["exhaustive_logprob"] >= r["beam4_logprob"] - 1e-9
    assert r["beam4_logprob"] > r["greedy_logprob"]
    assert r["prefixes_beam_better_than_greedy"] > 0
    assert r["top_p_support_sizes"] == {"0.5": 2, "0.8": 4, "0.9": 5, "0.99": 7}
    assert r["max_abs_logit_diff_cache_vs_full"] < 1e-10
    assert r["kv_cache_speedup"] > 3


def test_backprop_mlp(executed):
    r = _result(executed["backprop-mlp"])
    assert r["grad_check_rel_err"] < 1e-6 and r["grad_check_rel_err_trained"] < 1e-6
    assert r["best_float32_rel_err"] > 1e-6  # the same check in float32 would not pass
    assert r["train_accuracy"] >= 0.98 and r["test_accuracy"] >= 0.98
    assert r["test_accuracy"] > r["logreg_test_accuracy"] + 0.05  # the hidden layer matters


def test_attention_transformer(executed):
    r = _result(executed["attention-transformer"])
    assert r["naive_softmax_nan_count"] > 0 and r["stable_softmax_nan_count"] == 0
    assert r["max_future_weight"] == 0.0 and r["causal_leak"] == 0.0
    assert r["mha_loop_max_abs_diff"] < 1e-10
    assert r["perm_equivariance_err"] < 1e-10 and r["perm_err_posenc"] > 0.1
    assert 0.9 < r["dot_var_ratio"] < 1.1
    assert r["mean_max_weight_scaled"] < r["mean_max_weight_unscaled"]


def test_trees_boosting(executed):
    r = _result(executed["trees-boosting"])
    assert r["tree_same_structure"] is True and r["tree_max_pred_diff"] < 1e-9
    assert r["gb_test_mse_rel_diff"] < 1e-9 and r["gb_max_pred_diff"] < 1e-9
    assert r["gb_test_mse"] < r["tree_test_mse"]


def test_evaluation_metrics(executed):
    r = _result(executed["evaluation-metrics"])
    for key in (
        "roc_auc_abs_diff_sklearn",
        "ap_abs_diff_sklearn",
        "log_loss_abs_diff_sklearn",
        "calibration_curve_abs_diff_sklearn",
        "gauc_abs_diff_sklearn_loop",
    ):
        assert r[key] < 1e-12, key
    assert r["roc_auc"] != r["roc_auc_ties_not_averaged"]  # ties matter
    assert r["ece_overconfident"] > 10 * r["ece"]
    roc, ap = r["imbalance_roc_auc"], r["imbalance_ap"]
    assert max(roc.values()) - min(roc.values()) < 0.01  # ROC-AUC ignores the class ratio
    assert ap["0.5"] > 3 * ap["0.01"]  # PR-AUC does not
