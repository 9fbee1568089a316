"""Benchmarks (numbers for notes and docs; no test depends on them).

    python tools/bench.py            # all of it, a few seconds

1. The CLI's start: `pipedsl transpile examples/churn.pipe` as a subprocess, with the Lark
   analysis cache present and removed (it lives in the temp dir).
2. Transpiling in process: the examples, and generated pipelines of N chained processing
   steps, with each built-in emitter.
"""
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli_start():
    cmd = [sys.executable, "-m", "dsl", "transpile", str(ROOT / "examples" / "churn.pipe")]
    run = lambda: subprocess.run(cmd, check=True, capture_output=True)  # noqa: E731
    run()
    warm = timed(run)
    caches = glob.glob(os.path.join(tempfile.gettempdir(), ".lark_cache_*"))

    def cold():
        for path in glob.glob(os.path.join(tempfile.gettempdir(), ".lark_cache_*")):
            os.remove(path)
        run()

    cold_time = timed(cold)
    print(f"CLI transpile churn.pipe: {warm * 1000:.0f} ms with the Lark cache, "
          f"{cold_time * 1000:.0f} ms without ({len(caches)} cache file(s) in the temp dir)")


def chain(n):
    steps = "\n".join(
        f'    step P{i}: processing {{ image_uri = "img"\n role = "arn:aws:iam::1:role/r"\n'
        f'        instance_type = "ml.m5.large"\n instance_count = 1\n'
        + (f'        depends_on = [P{i - 1}]\n' if i else "")
        + '        output out { source = "/opt/out" } }' for i in range(n))
    return f'pipeline Chain {{\n default_bucket = "b"\n{steps}\n}}\n'


def in_process():
    sys.path.insert(0, str(ROOT))
    import dsl

    dsl.transpile(chain(1))
    for name in ("churn", "end-to-end"):
        text = (ROOT / "examples" / f"{name}.pipe").read_text()
        row = ", ".join(f"{to} {timed(lambda: dsl.transpile(text, to=to)) * 1000:.1f} ms"
                        for to in ("json", "sdk", "docs"))
        print(f"examples/{name}.pipe: {row}")
    for n in (10, 100, 1000):
        text = chain(n)
        check = timed(lambda: dsl.analyse(text), repeat=3)
        row = ", ".join(f"{to} {timed(lambda: dsl.transpile(text, to=to), repeat=3):.3f} s"
                        for to in ("json", "sdk", "docs"))
        print(f"{n} chained processing steps ({len(text)} bytes): parse+check {check:.3f} s; {row}")


if __name__ == "__main__":
    cli_start()
    in_process()
