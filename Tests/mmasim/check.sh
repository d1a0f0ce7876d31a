#!/usr/bin/env bash
# Bit-exact check of the matrix-unit models (`exmy mma`) against MMA-Sim (`mmasim` on PyPI,
# arXiv 2511.10909). Creates a scratch virtual environment with CPU PyTorch and mmasim 2.1.1,
# builds exmy (release), and runs Tests/mmasim/check.py over every preset that names an MMA-Sim
# instruction. Arguments are passed to check.py (e.g. --random 1000000 --presets hopper-wgmma-e4m3-f32).
#
#   Tests/mmasim/check.sh                       # 10^4 random + 6·10^3 adversarial per preset
#   Tests/mmasim/check.sh --random 1000000      # the full run recorded in docs/verification.md
#
# Environment: MMASIM_VENV (default .build/mmasim-venv), EXMY (an exmy binary to use instead of
# building one), TORCH_WHEEL (a local CPU torch wheel, e.g. /opt/wheels/torch-*.whl).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${MMASIM_VENV:-.build/mmasim-venv}"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import mmasim, torch, numpy, ninja" 2>/dev/null; then
    echo "check.sh: creating $VENV (CPU PyTorch, mmasim 2.1.1, numpy, ninja)" >&2
    python3 -m venv "$VENV"
    wheel="${TORCH_WHEEL:-}"
    if [ -z "$wheel" ]; then wheel=$(ls /opt/wheels/torch-*cpu*.whl 2>/dev/null | head -1 || true); fi
    if [ -n "$wheel" ]; then
        "$VENV/bin/pip" install -q "$wheel"
    elif ! "$VENV/bin/pip" install -q torch --index-url https://download.pytorch.org/whl/cpu; then
        echo "check.sh: the PyTorch CPU index is unreachable; installing torch from PyPI" >&2
        "$VENV/bin/pip" install -q torch
    fi
    "$VENV/bin/pip" install -q "mmasim==2.1.1" numpy ninja
fi
EXMY="${EXMY:-}"
if [ -z "$EXMY" ]; then
    swift build -c release --product exmy >&2
    EXMY="$(swift build -c release --show-bin-path)/exmy"
fi
# mmasim compiles a small C++ FMA kernel at import time with ninja (from the venv).
PATH="$VENV/bin:$PATH" exec "$VENV/bin/python" Tests/mmasim/check.py --exmy "$EXMY" "$@"
