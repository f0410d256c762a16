"""The same results whichever code glibc picks for exp, log and pow.

    python3 libm_paths.py MARKETSIM OUT_DIR CONSUMERS SCENARIO...

glibc picks the code of its maths functions by processor when a program starts: on this
machine, the versions that use FMA and AVX2. A processor without them gets others, which can
round a result's last bit differently. This runs each scenario twice, as this processor gets it
and with glibc told to act as on a processor without AVX or FMA (GLIBC_TUNABLES), and compares
the files (same_files.py): every count, unit, share and attribute must be the same, bit for bit;
the money figures computed with pow and exp after the market's step (unit costs, profits, ROI
and CLV, and an experiment's statistics over its runs) may differ by 1e-12 relative.

Exits 77 (skipped) where the comparison would compare a program with itself: not x86-64 glibc,
a processor without FMA, or tunables that do not take effect.
"""

import os
import re
import subprocess
import sys

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from same_files import compare  # noqa: E402

TUNABLES = "glibc.cpu.hwcaps=-AVX,-AVX2,-FMA,-AVX512F"
LOADER = "/lib64/ld-linux-x86-64.so.2"
# Datasets whose floats may differ in the last bits: /market... metric names (before a firm's
# ":column" in an experiment's runs table) and an experiment's statistics over runs.
MONEY = {"unit_cost", "profit", "cumulative_profit", "profit_per_year", "roi", "clv"}
RTOL = 1e-12
SKIP = 77


def fma_active(env):
    """Whether glibc runs its FMA code under `env`: bit 12 of CPUID leaf 1's ECX among the
    features it made active (ld.so --list-diagnostics), or None where it cannot say."""
    try:
        out = subprocess.run([LOADER, "--list-diagnostics"], env=env, capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    m = re.search(r"^x86\.cpu_features\.features\[0x0\]\.active\[0x2\]=(0x[0-9a-f]+)$", out, re.M)
    return None if m is None else bool(int(m.group(1), 16) & (1 << 12))


def tolerance(path):
    name = path.rsplit("/", 1)[-1].split(":", 1)[0]
    if name in MONEY or path.startswith(("/experiment/summary/", "/experiment/differences/")):
        return RTOL
    return None


def main(argv):
    if len(argv) < 5:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    marketsim, out, consumers, scenarios = argv[1], argv[2], argv[3], argv[4:]
    plain = dict(os.environ)
    plain.pop("GLIBC_TUNABLES", None)
    other = dict(plain, GLIBC_TUNABLES=TUNABLES)
    here, there = fma_active(plain), fma_active(other)
    if here is None:
        print(f"skipped: {LOADER} --list-diagnostics does not say which code glibc runs")
        return SKIP
    if not here:
        print("skipped: this processor has no FMA, so glibc already runs its other code")
        return SKIP
    if there:
        print(f"skipped: GLIBC_TUNABLES={TUNABLES} did not turn glibc's FMA code off")
        return SKIP
    os.makedirs(out, exist_ok=True)
    failed = 0
    for scenario in scenarios:
        name = os.path.splitext(os.path.basename(scenario))[0]
        files = []
        for side, env in (("fma", plain), ("no_fma", other)):
            path = os.path.join(out, f"{name}_{side}.h5")
            subprocess.run([marketsim, "run", scenario, "-o", path, "--force", "--quiet",
                            "--set", f"consumers={consumers}"], env=env, check=True)
            files.append(path)
        tolerated = []
        with h5py.File(files[0], "r") as a, h5py.File(files[1], "r") as b:
            compared, differences = compare(a, b, tolerance, tolerated)
        for line in differences[:20]:
            print(f"{scenario}: {line}")
        failed += 1 if differences else 0
        print(f"{scenario}: {compared} objects, {len(differences)} differ, {len(tolerated)} "
              f"money datasets within {RTOL:g} relative")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
