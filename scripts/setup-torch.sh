#!/usr/bin/env bash
# Installs PyTorch (CPU use) into a venv, with what the PyTorch twin needs (safetensors, numpy,
# pytest), the ONNX checks' onnx and onnxruntime, and the twin itself (`pip install ./python`, the package latentkit-torch): for
# `pnpm bench`'s PyTorch rows and for the twin's tests, which scripts/test.sh runs when this venv
# has them. CI runs it (.ci/run); scripts/setup.sh does not, so JS work needs no Python.
#
#   bash scripts/setup-torch.sh
#
# The venv is .venv-torch/ at the repository root (git-ignored), or $LATENTKIT_TORCH_VENV.
# Safe to run again: it only creates the venv when it is missing, only installs torch when
# `import torch` fails in it, the other packages when they do not import, and the twin when it
# is missing or its installed files differ from python/'s. PyPI's default torch wheel brings ~3 GB of CUDA libraries (the
# venv is ~5.4 GB, 1 to 6 minutes here); the bench runs it on the CPU, no GPU needed. We use PyPI's
# default wheel because the CPU-only wheel index is not a package registry every machine
# reaches; where it is, pass its index through LATENTKIT_TORCH_PIP_ARGS (extra `pip install`
# arguments, e.g. `--index-url <the CPU-only index>`) for a ~0.2 GB install instead.
set -euo pipefail
cd "$(dirname "$0")/.."

# The version the issue's figures were measured with; the bench prints the one it finds.
TORCH_VERSION=2.15.0
VENV=${LATENTKIT_TORCH_VENV:-$PWD/.venv-torch}

log() { printf '\033[1msetup-torch:\033[0m %s\n' "$*"; }

command -v python3 >/dev/null || { echo "setup-torch: python3 is missing (Debian: apt-get install python3 python3-venv)" >&2; exit 1; }

if [ ! -x "$VENV/bin/python" ]; then
  log "creating the venv $VENV"
  python3 -m venv "$VENV" || { echo "setup-torch: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
fi

if "$VENV/bin/python" -c "import torch" 2>/dev/null; then
  log "torch $("$VENV/bin/python" -W ignore -c 'import torch; print(torch.__version__)') is already installed in $VENV"
else
  log "installing torch==$TORCH_VERSION into $VENV (~3 GB of wheels, mostly CUDA libraries the CPU run never loads)"
  # shellcheck disable=SC2086 # LATENTKIT_TORCH_PIP_ARGS is a list of arguments on purpose
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ${LATENTKIT_TORCH_PIP_ARGS:-} "torch==$TORCH_VERSION"
  "$VENV/bin/python" -W ignore -c "import torch; print('setup-torch: torch', torch.__version__, 'threads', torch.get_num_threads())"
fi

PY="$VENV/bin/python"
missing=()
for pkg in safetensors numpy pytest; do
  "$PY" -c "import $pkg" 2>/dev/null || missing+=("$pkg")
done
# the ONNX reference check (packages/latentkit/test/onnx-reference.test.ts, scripts/check-onnx.py)
"$PY" -c "import onnx" 2>/dev/null || missing+=("onnx==1.23.2")
"$PY" -c "import onnxruntime" 2>/dev/null || missing+=("onnxruntime==1.31.1")
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} into $VENV"
  "$PY" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
fi

# The twin, installed (not editable) as users install it; again when python/ has changed since.
twin_current() {
  "$PY" - "$PWD/python/latentkit_torch" <<'PYEOF' 2>/dev/null
import filecmp, os, sys
import latentkit_torch
installed, source = os.path.dirname(latentkit_torch.__file__), sys.argv[1]
names = sorted(f for f in os.listdir(source) if f.endswith(".py"))
same = os.path.realpath(installed) != os.path.realpath(source) and filecmp.cmpfiles(source, installed, names, shallow=False)[0] == names
sys.exit(0 if same else 1)
PYEOF
}
if twin_current; then
  log "latentkit-torch (python/) is installed and current in $VENV"
else
  log "installing latentkit-torch (pip install ./python) into $VENV"
  "$PY" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall ./python
fi
