"""Shared fixtures: latentkit's outputs made at test time by the SDK built in this repository
(tests/latentkit_node.mjs), and the agreement figures printed at the end of the run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NODE_SCRIPT = HERE / "latentkit_node.mjs"

# (direction, model kind) -> the largest relative error seen, printed by pytest_terminal_summary
AGREEMENT: dict = {}


def record(direction: str, kind: str, what: str, err: float) -> None:
    key = f"{direction}: {kind} {what}"
    AGREEMENT[key] = max(err, AGREEMENT.get(key, 0.0))


def node() -> str:
    found = shutil.which("node")
    if not found:
        pytest.fail("node is not on PATH: the agreement tests run latentkit's SDK with Node (install Node 20+)")
    sdk = Path(os.environ.get("LATENTKIT_SDK_DIR", REPO / "packages" / "latentkit")) / "dist" / "node.js"
    if not sdk.exists():
        pytest.fail(f"{sdk} is missing: build the SDK first (pnpm build at the repository root)")
    return found


def run_node(*args: str, timeout: float = 600) -> None:
    result = subprocess.run([node(), str(NODE_SCRIPT), *args], capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"latentkit_node.mjs {args[0]} failed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def latentkit_files(tmp_path_factory):
    """A directory of <kind>.safetensors and <kind>.json that latentkit trained and wrote."""
    out = tmp_path_factory.mktemp("latentkit")
    run_node("fixture", str(out))
    return out


def load_json(path: Path) -> dict:
    return json.loads(path.read_text())


def pytest_terminal_summary(terminalreporter):
    if AGREEMENT:
        terminalreporter.section("twin <-> latentkit agreement (max relative error, f32)")
        for key, err in sorted(AGREEMENT.items()):
            terminalreporter.write_line(f"{key}: {err:.3g}")
