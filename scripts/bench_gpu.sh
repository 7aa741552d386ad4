#!/usr/bin/env bash
# The translation speed table on a GPU, for the day one is lent (well under 10 minutes).
#
# transformers fp16 against CTranslate2 int8_float16 at beams 4 and 6 and batch sizes
# 16/64/256, on the random opus-mt-id-en-architecture model of scripts/bench_translate.py
# (output forced to 35 tokens), 1024 sentences per cell after a warm-up batch. Absolute
# times are only meaningful there; the CPU tables are in README "Speed".
#
# It needs, in the repository (listed in .git/info/exclude, carried to the device machine):
#   .whl/        wheels for what the machine lacks: ctranslate2 (cp312 manylinux), and
#                nvidia-cublas-cu12 where the machine's CUDA is not 12 (CTranslate2's
#                wheels link cuBLAS 12; without it the CTranslate2 rows say why they failed)
#   .bench-data/id-en.tsv   a copy of ../shared/data/ud-pud/id-en.tsv (../shared does not travel)
#
# Usage (device tool): carry [".whl", ".bench-data"], command: bash scripts/bench_gpu.sh
# Anywhere else: bash scripts/bench_gpu.sh [CORPUS.tsv]   (PYTHON=.venv/bin/python DEVICE=cpu N=4: a smoke run)
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1
py="${PYTHON:-python3}"
if compgen -G ".whl/*.whl" > /dev/null; then
  "$py" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH="/tmp/site:${PYTHONPATH:-}"
  for lib in /tmp/site/nvidia/cublas/lib /tmp/site/nvidia/cuda_runtime/lib; do
    if [ -d "$lib" ]; then export LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"; fi
  done
fi
export PYTHONPATH="$PWD:${PYTHONPATH:-}"
corpus="${1:-.bench-data/id-en.tsv}"
[ -f "$corpus" ] || corpus=../shared/data/ud-pud/id-en.tsv
command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
"$py" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available())"
"$py" -c "import ctranslate2; print('ctranslate2', ctranslate2.__version__, 'cuda devices', ctranslate2.get_cuda_device_count())" || true
out="${OUT:-/tmp}/bench_gpu.txt"
timeout 540 "$py" scripts/bench_translate.py --gpu --device "${DEVICE:-cuda}" --n "${N:-1024}" \
  --beams 4,6 --batch-sizes 16,64,256 --corpus "$corpus" --out "$out"
