#!/usr/bin/env bash
# The GPU figures in one command, for a machine with an NVIDIA GPU whose Python has CuPy,
# NumPy, pandas, pytest and hypothesis but not scalesim's other dependencies, and no network.
#
#     benchmarks/gpu_wheels.sh          # first, here, with network: fills .whl/
#     bash benchmarks/gpu.sh OUTDIR     # there, from a copy of the checkout with .whl/ in it
#
# It installs .whl/*.whl into a folder under /tmp (no index, no dependencies resolved), puts
# the checkout first on PYTHONPATH (so the code tested is the checkout's), prints nvidia-smi
# and the versions, and runs:
#   1. the kernel tests with CuPy (the `xp` fixtures add a cupy parameter when CuPy works),
#   2. benchmarks/bench_gpu.py: the engine with --backend cupy at 1e6, 1e7 and 1e8 samples
#      and NumPy at 1e6 and 1e7, same scenario and seed, and the two compared at 1e6,
#   3. benchmarks/bench_calibrate.py: importance sampling and bootstrap fits, NumPy and CuPy.
# Everything goes to OUTDIR: gpu.log (all output), gpu.json (the figures and each step's
# status), versions.json, engine.json, calibrate.json, kernel-tests.xml; nothing is written
# elsewhere but /tmp. About 3-6 minutes on an H100. Exits 3 with one line when there is no
# usable GPU, 2 on a usage or setup error, 1 when a step failed (the others still run).
# Settings: PYTHON (default python3), SCALESIM_GPU_TMP (default /tmp/scalesim-gpu), and the
# engine's sizes GPU_SH_SAMPLES, GPU_SH_NUMPY_SAMPLES, GPU_SH_COMPARE (default "1e6 1e7 1e8",
# "1e6 1e7", 1e6).
set -euo pipefail

[[ $# -eq 1 && -n $1 ]] || {
    echo "usage: benchmarks/gpu.sh OUTDIR" >&2
    exit 2
}
mkdir -p "$1"
OUTDIR=$(cd "$1" && pwd)
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
LOG=$OUTDIR/gpu.log
# This run's files only: none left from an earlier run can pass for its figures.
rm -f "$OUTDIR"/{gpu.json,versions.json,engine.json,calibrate.json,kernel-tests.xml}
: >"$LOG"
PY=${PYTHON:-python3}
TMP=${SCALESIM_GPU_TMP:-/tmp/scalesim-gpu}
SITE=$TMP/site
# Engine sizes (bench_gpu.py --samples, --numpy-samples, --compare).
SAMPLES=${GPU_SH_SAMPLES:-1e6 1e7 1e8}
NUMPY_SAMPLES=${GPU_SH_NUMPY_SAMPLES:-1e6 1e7}
COMPARE=${GPU_SH_COMPARE:-1e6}

# Caches and bytecode under /tmp, never in the checkout or $HOME.
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
export CUPY_CACHE_DIR=$TMP/cupy-cache HYPOTHESIS_STORAGE_DIRECTORY=$TMP/hypothesis
export XDG_CACHE_HOME=$TMP/cache MPLCONFIGDIR=$TMP/matplotlib

# Files the kernel tests live in: every module with an `xp` fixture parameter, and the
# calibrate CLI's cupy test; `-k cupy` keeps the CuPy cases (NumPy's run in CI).
KERNEL_TESTS=(
    tests/test_kernels.py tests/test_calibrate_kernels.py tests/test_constraints.py
    tests/test_data_market.py tests/test_goodput_per_sample.py tests/test_inference_aware.py
    tests/test_milestones.py tests/test_paradigms.py tests/test_cluster.py
    tests/test_calibrate_cli.py
)

log() { echo "$*" | tee -a "$LOG"; }
# One line on stderr (and in the log), then exit with the given status.
die() {
    local code=$1
    shift
    echo "gpu.sh: $*" | tee -a "$LOG" >&2
    exit "$code"
}

declare -A STATUS SECONDS_TAKEN
# step NAME TIMEOUT CMD...: run, log its output, record its status and time, carry on.
step() {
    local name=$1 limit=$2 t0 rc
    shift 2
    log ""
    log "=== $name: $*"
    t0=$(date +%s)
    set +e
    timeout --kill-after=10 "$limit" "$@" 2>&1 | tee -a "$LOG"
    rc=${PIPESTATUS[0]}
    set -e
    SECONDS_TAKEN[$name]=$(($(date +%s) - t0))
    STATUS[$name]=$rc
    ((rc != 124)) || log "gpu.sh: $name ran past ${limit} s and was stopped"
    log "=== $name: exit $rc after ${SECONDS_TAKEN[$name]} s"
}

log "gpu.sh: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $ROOT, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"

# --- a GPU, or one line saying why not ---------------------------------------------------------
command -v nvidia-smi >/dev/null || die 3 "no GPU: nvidia-smi is not on PATH"
smi=$(nvidia-smi 2>&1) || die 3 "no GPU: nvidia-smi failed: $(echo "$smi" | head -n 1)"
log "$smi"
command -v "$PY" >/dev/null || die 2 "no $PY (set PYTHON to the Python that has CuPy)"

# --- the wheels ---------------------------------------------------------------------------------
shopt -s nullglob
wheels=("$ROOT"/.whl/*.whl)
shopt -u nullglob
((${#wheels[@]})) || die 2 "no wheels in .whl/: run benchmarks/gpu_wheels.sh where there is network, and carry .whl"
rm -rf "$SITE"
mkdir -p "$TMP"
"$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target "$SITE" \
    "${wheels[@]}" >>"$LOG" 2>&1 || die 2 "pip could not install .whl/*.whl into $SITE (see $LOG)"
export PYTHONPATH=$ROOT:$SITE${PYTHONPATH:+:$PYTHONPATH}
log "installed ${#wheels[@]} wheels into $SITE; PYTHONPATH=$PYTHONPATH"

# --- versions, and CuPy on the GPU --------------------------------------------------------------
set +e
"$PY" - >"$OUTDIR/versions.json" 2>"$TMP/versions.err" <<'EOF'
import json
import platform
import sys
from importlib import metadata

out = {"python": platform.python_version(), "executable": sys.executable}
for name in ("numpy", "pandas", "scipy", "cupy-cuda13x", "cupy-cuda12x", "pint", "pydantic",
             "pydantic-core", "simpy", "array-api-compat", "array-api-strict", "pyyaml",
             "pytest", "hypothesis", "rich", "scalesim"):
    try:
        out[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        pass
try:
    import scalesim
    from scalesim.engine import backend
except Exception as exc:
    print(f"scalesim does not import: {type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(2)
out["scalesim_from"] = scalesim.__file__
try:
    import cupy

    backend.namespace("cupy")
    out["cuda_runtime"] = cupy.cuda.runtime.runtimeGetVersion()
    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    out["gpu"] = name.decode() if isinstance(name, bytes) else str(name)
except Exception as exc:
    print(f"CuPy cannot use the GPU ({type(exc).__name__}: {exc})", file=sys.stderr)
    sys.exit(3)
print(json.dumps(out))
EOF
rc=$?
set -e
cat "$TMP/versions.err" >>"$LOG"
((rc == 0)) || {
    reason=$(tail -n 1 "$TMP/versions.err")
    ((rc == 3)) && die 3 "no GPU: ${reason:-CuPy failed}"
    die 2 "${reason:-the version check failed (exit $rc)}"
}
log "versions: $(cat "$OUTDIR/versions.json")"

# --- the measurements ----------------------------------------------------------------------------
# Time limits (s): 120 + 240 + 90 with the setup stays under a 10-minute device command;
# about 3-4 minutes are expected on an H100.
step kernel_tests 120 "$PY" -m pytest -q -p no:cacheprovider -k cupy \
    --junitxml="$OUTDIR/kernel-tests.xml" "${KERNEL_TESTS[@]}"
((STATUS[kernel_tests] != 5)) || log "gpu.sh: no cupy test ran: the xp fixtures found no working CuPy"
# shellcheck disable=SC2086  # the sizes are lists of words
step engine 240 "$PY" benchmarks/bench_gpu.py --backend cupy --samples $SAMPLES \
    --numpy-samples $NUMPY_SAMPLES --compare "$COMPARE" --time-budget 140 \
    --json "$OUTDIR/engine.json"
step calibrate 90 "$PY" benchmarks/bench_calibrate.py --json "$OUTDIR/calibrate.json"

# --- gpu.json: the figures and each step's status ------------------------------------------------
steps_json=$(for name in "${!STATUS[@]}"; do
    printf '%s %s %s\n' "$name" "${STATUS[$name]}" "${SECONDS_TAKEN[$name]}"
done)
set +e
"$PY" - "$OUTDIR" "$steps_json" <<'EOF' 2>&1 | tee -a "$LOG"
import json
import re
import sys
from pathlib import Path

out = Path(sys.argv[1])
steps = {n: {"exit": int(rc), "seconds": int(s)} for n, rc, s in
         (line.split() for line in sys.argv[2].splitlines() if line.strip())}
figures = {"steps": steps}
for key, name in (("versions", "versions.json"), ("engine", "engine.json"),
                  ("calibrate", "calibrate.json")):
    try:
        figures[key] = json.loads((out / name).read_text())
    except (OSError, ValueError) as exc:  # a step that was stopped or failed early
        figures[key] = {"missing": f"{name}: {type(exc).__name__}"}
xml = out / "kernel-tests.xml"
if xml.exists():
    m = re.search(r'<testsuite [^>]*', xml.read_text())
    figures["kernel_tests"] = {k: int(v) for k, v in re.findall(
        r'(tests|failures|errors|skipped)="(\d+)"', m.group(0) if m else "")}
(out / "gpu.json").write_text(json.dumps(figures, indent=2) + "\n")
print(f"figures: {out / 'gpu.json'}")
EOF
((PIPESTATUS[0] == 0)) || STATUS[figures]=1
set -e

failed=()
for name in kernel_tests engine calibrate figures; do
    ((${STATUS[$name]:-0} == 0)) || failed+=("$name (exit ${STATUS[$name]})")
done
((${#failed[@]} == 0)) || die 1 "failed: ${failed[*]}; see $LOG"
log "gpu.sh: all steps passed; figures in $OUTDIR/gpu.json"
