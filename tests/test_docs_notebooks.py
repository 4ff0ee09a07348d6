"""The notebooks under notebooks/ are stored without outputs (``make test`` runs them with
nbmake), and the auditor's runs on a table of its own where the shared data folder is absent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_notebooks_are_there_and_stored_without_outputs():
    found = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert {"journalist_walkthrough.ipynb", "auditor_real_data.ipynb"} <= set(found)
    for name in found:
        nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert code, name
        for cell in code:
            assert not cell.get("outputs") and cell.get("execution_count") is None, \
                f"{name}: stored with outputs (clear them before committing)"


def test_the_auditor_notebook_audits_its_own_table_without_the_shared_data(tmp_path):
    """Run from a folder with no ``../../shared`` beside it. About 15 s."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    folder = tmp_path / "repo" / "notebooks"
    folder.mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "auditor_real_data.ipynb", folder)
    nb = nbformat.read(folder / "auditor_real_data.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(folder)}}
                            ).execute()
    first = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "is absent" in first and "synthetic table" in first
    assert not list(folder.glob("*.csv")), "the notebook wrote into its folder"
