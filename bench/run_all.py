"""Run every benchmark in turn against PostgreSQL (`make bench`); each prints its own figures.

    .venv/bin/python bench/run_all.py [--host 127.0.0.1] [--port 5432] [--user postgres]

Order matters: bench_demo_data.py (re)creates the database ``sc_demo`` and leaves 10^6 objects
in it, which bench_search.py then searches; bench_import.py uses ``sc_bench``. Together they
take about 15 minutes on a 2-core machine.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5432")
    parser.add_argument("--user", default="postgres")
    args = parser.parse_args()
    base = f"postgres://{args.user}@{args.host}:{args.port}"
    runs = [
        ("bench_demo_data.py", f"{base}/sc_demo"),
        ("bench_search.py", f"{base}/sc_demo"),
        ("bench_import.py", f"{base}/sc_bench"),
    ]
    failed = 0
    for script, url in runs:
        print(f"\n=== {script} ({url})", flush=True)
        result = subprocess.run(
            [sys.executable, str(HERE / script)], env={**os.environ, "DATABASE_URL": url}, check=False
        )
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
