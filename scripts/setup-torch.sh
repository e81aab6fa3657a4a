#!/usr/bin/env bash
# Installs PyTorch (CPU use) into a venv for `pnpm bench`'s PyTorch rows. Optional: nothing else
# needs it, and neither scripts/setup.sh nor CI runs it.
#
#   bash scripts/setup-torch.sh
#
# The venv is .venv-torch/ at the repository root (git-ignored), or $LATENTKIT_TORCH_VENV.
# Safe to run again: it only creates the venv when it is missing and only installs torch when
# `import torch` fails in it. PyPI's default torch wheel brings ~3 GB of CUDA libraries (the
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
