"""Shared by the benchmark scripts: one measurement in a fresh subprocess."""

import json
import os
import subprocess
import sys
import time


def run_measurement(script: str, args: list[str], lstmkit_cache: str = "off") -> dict:
    """Run ``script args`` in a new Python process and return the JSON dict it prints
    last, plus ``process_s`` (the process's wall time).

    ``lstmkit_cache`` is lstmkit's compilation cache folder, or ``"off"`` for a cold start.
    """
    env = dict(os.environ, KERAS_BACKEND="jax", LSTMKIT_CACHE_DIR=lstmkit_cache)
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, os.path.abspath(script), *args], env=env,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result
