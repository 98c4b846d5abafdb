#!/usr/bin/env bash
# Fill .whl/ with the wheels that benchmarks/gpu.sh installs on a GPU machine without network:
# every runtime dependency of scalesim's core (and array-api-strict, which tests/conftest.py
# imports) that the GPU image lacks, at the versions uv.lock resolves for that Python, plus
# the scalesim wheel itself. Run here, from anywhere in the checkout, with network:
#
#     benchmarks/gpu_wheels.sh            # cp312 manylinux x86_64 (the GPU image's Python)
#     PYVER=3.11 benchmarks/gpu_wheels.sh # another CPython, e.g. to try the install locally
#
# The packages the GPU image already has (/work/.library/device/KINDS.md, "Python packages
# already there": numpy, pandas, scipy, pyyaml, pytest, hypothesis, rich, ...) are not
# downloaded. The folder replaces any earlier .whl/ only once it is complete, and must stay
# well under the device tool's 64 MiB transfer limit (LIMIT_MIB below).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYVER=${PYVER:-3.12}
DEST=${DEST:-.whl}
PIP_PYTHON=${PIP_PYTHON:-python3}
LIMIT_MIB=32

# On the GPU image already (KINDS.md); everything else the core needs is downloaded.
IMAGE_HAS="numpy pandas scipy pyyaml pytest hypothesis xarray dask python-dateutil six
rich markdown-it-py mdurl pygments packaging pluggy iniconfig attrs sortedcontainers"
# Not core dependencies, but the GPU tests need them (tests/conftest.py imports it).
TEST_EXTRA="array-api-strict"

die() {
    echo "gpu_wheels.sh: $*" >&2
    exit 1
}

[[ $PYVER =~ ^3\.[0-9]+$ ]] || die "PYVER must look like 3.12, got '$PYVER'"
command -v uv >/dev/null || die "uv is not on PATH (make env installs it)"
"$PIP_PYTHON" -m pip --version >/dev/null 2>&1 || die "$PIP_PYTHON has no pip (set PIP_PYTHON)"
[[ -f uv.lock ]] || die "no uv.lock in $(pwd)"

stage=$(mktemp -d /tmp/scalesim-wheels.XXXXXX)
trap 'rm -rf "$stage"' EXIT

# Pins from uv.lock: the core's closure (no dev group, no extras) and the test extras from the
# full export; markers (python_full_version < '3.12', ...) are evaluated for PYVER on Linux.
uv export --frozen --no-dev --no-hashes --no-emit-project --no-annotate >"$stage/core.txt"
uv export --frozen --all-groups --no-hashes --no-emit-project --no-annotate >"$stage/all.txt"
uv run --frozen --no-sync python - "$PYVER" "$stage" "$IMAGE_HAS" "$TEST_EXTRA" \
    >"$stage/requirements.txt" <<'EOF'
import re
import sys
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

pyver, stage, image_has, extra = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
env = {
    "python_version": pyver,
    "python_full_version": pyver + ".0",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
}
skip = {canonicalize_name(n) for n in image_has.split()}


def pins(path):
    out = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        spec, _, marker = line.partition(";")
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==(\S+)", spec.strip())
        if not m:
            sys.exit(f"gpu_wheels.sh: cannot read the pin {line!r} of uv export")
        if marker.strip() and not Marker(marker.strip()).evaluate(env):
            continue
        name = canonicalize_name(m.group(1))
        if name in out and out[name] != m.group(3):
            sys.exit(f"gpu_wheels.sh: two pins of {name} for Python {pyver}")
        out[name] = m.group(3)
    return out


core, full = pins(stage / "core.txt"), pins(stage / "all.txt")
for name in extra.split():
    name = canonicalize_name(name)
    if name not in full:
        sys.exit(f"gpu_wheels.sh: {name} is not in uv.lock")
    core[name] = full[name]
for name, version in sorted(core.items()):
    if name not in skip:
        print(f"{name}=={version}")
EOF
[[ -s $stage/requirements.txt ]] || die "nothing to download (check IMAGE_HAS)"
echo "pins from uv.lock for CPython $PYVER (not on the GPU image):"
sed 's/^/  /' "$stage/requirements.txt"

# --no-deps: the closure above is complete; pip does not resolve again.
tag=${PYVER/./}
platforms=()
for p in manylinux_2_39 manylinux_2_35 manylinux_2_34 manylinux_2_31 manylinux_2_28 manylinux_2_27 \
    manylinux_2_24 manylinux_2_17 manylinux2014 manylinux_2_5 manylinux1; do
    platforms+=(--platform "${p}_x86_64")
done
mkdir "$stage/wheels"
"$PIP_PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --no-cache-dir \
    --python-version "$PYVER" --implementation cp --abi "cp$tag" --abi abi3 --abi none \
    "${platforms[@]}" -d "$stage/wheels" -r "$stage/requirements.txt" 2>&1 |
    { grep -v "is ignored: it is neither a file nor a directory" || true; }

# The project's own wheel, from this working tree (scenarios and docs/method.md included).
# (uv build also writes a .gitignore into its output folder: built apart, only the wheel moved.)
uv build --quiet --wheel --out-dir "$stage/build" . || die "uv build --wheel failed"
mv "$stage"/build/scalesim-*.whl "$stage/wheels/"

# One wheel per package (two versions stop the whole install there), each one pinned.
python3 - "$stage/wheels" "$stage/requirements.txt" <<'EOF'
import sys
from collections import Counter
from pathlib import Path

wheels = sorted(Path(sys.argv[1]).glob("*.whl"))
names = [w.name.split("-")[0].lower().replace("_", "-").replace(".", "-") for w in wheels]
twice = [n for n, k in Counter(names).items() if k > 1]
if twice:
    sys.exit(f"gpu_wheels.sh: more than one wheel of {', '.join(twice)}")
wanted = {line.split("==")[0] for line in Path(sys.argv[2]).read_text().split()}
missing = sorted(wanted - set(names))
if missing:
    sys.exit(f"gpu_wheels.sh: no wheel downloaded for {', '.join(missing)}")
if "scalesim" not in names:
    sys.exit("gpu_wheels.sh: no scalesim wheel was built")
EOF

size=$(du -sk "$stage/wheels" | cut -f1)
((size < LIMIT_MIB * 1024)) || die "the wheels take $((size / 1024)) MiB, over $LIMIT_MIB MiB"

rm -rf "$DEST"
mv "$stage/wheels" "$DEST"
git check-ignore -q "$DEST" 2>/dev/null ||
    echo "gpu_wheels.sh: warning: $DEST is not git-ignored (it must be carried, not committed)" >&2
echo "$DEST: $(find "$DEST" -type f -name '*.whl' | wc -l) wheels, $(du -sh "$DEST" | cut -f1) in all:"
find "$DEST" -type f -name '*.whl' -printf '  %9s  %f\n' | sort -k2
