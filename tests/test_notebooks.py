"""Execute the notebooks in docs/notebooks/ and check the numbers they report.

Each notebook ends with a cell tagged ``jobbook-result`` that prints one line,
``JOBBOOK_RESULT {json}``. The tests run every notebook once (module-scoped cache)
with nbclient on the ``python3`` kernel, parse that line and assert the targets.
Independent of MkDocs; slow-ish (a few seconds per notebook): deselect with
``-m "not notebooks"``.
"""

from __future__ import annotations

import json
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
NOTEBOOKS = ["gradient-descent", "duality-kkt", "logistic-sgd", "pca-svd"]
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


def test_duality_kkt(executed):
    r = _result(executed["duality-kkt"])
    assert r["duality_gap"] < 1e-6
    assert r["max_complementary_slackness"] < 1e-6
    assert r["stationarity_residual"] < 1e-6
    assert r["primal_infeasibility"] < 1e-9
    assert min(r["lambda_star"]) >= 0
    # at least one active and one inactive constraint
    assert 0 < len(r["active_constraints"]) < len(r["lambda_star"])


def test_logistic_sgd(executed):
    r = _result(executed["logistic-sgd"])
    assert r["max_abs_weight_diff"] < 1e-3


def test_pca_svd(executed):
    r = _result(executed["pca-svd"])
    assert r["max_evr_diff"] < 1e-8
    assert r["max_component_diff"] < 1e-6
