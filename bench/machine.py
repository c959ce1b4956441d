"""What a benchmark ran on: printed at the top of every bench script's output; and how busy the
rest of the machine was while a run went on (``CpuWatch``)."""

from __future__ import annotations

import os
import platform
import sys
import time


def _memory_gib() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
    return connection.vendor


def describe() -> str:
    return (
        f"machine: {os.cpu_count()} cores ({_cpu_model()}), {_memory_gib()} RAM, "
        f"{platform.system()} {platform.release()}; Python {sys.version.split()[0]}; {database_version()}"
    )


def setup_django() -> None:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotcheck.settings")
    import django

    django.setup()


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuWatch:
    """CPU time the rest of the machine used while a run went on: all busy time from
    /proc/stat less this process's and its database backend's; with ``own_pids``, less also
    those processes' (the server and its database backends a load bench started) and this
    process's children that ended meanwhile (the load generator)."""

    def __init__(self, backend_pid: int | None, own_pids=None) -> None:
        self.backend_pid = backend_pid
        self.own_pids = own_pids  # a callable giving the pids to count as the bench's own
        self.tick = os.sysconf("SC_CLK_TCK")

    def _busy_total(self) -> tuple[float, float]:
        with open("/proc/stat", encoding="ascii") as fh:
            values = [int(v) for v in fh.readline().split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return (sum(values[:8]) - idle) / self.tick, sum(values[:8]) / self.tick

    def _own(self) -> float:
        used = sum(os.times()[:2])
        if self.backend_pid:
            used += process_cpu(self.backend_pid)
        if self.own_pids is not None:
            used += sum(os.times()[2:4]) + sum(process_cpu(pid) for pid in self.own_pids())
        return used

    def __enter__(self) -> CpuWatch:
        self.loadavg_before = os.getloadavg()[0]
        self.start = (*self._busy_total(), self._own(), time.perf_counter())
        return self

    def __exit__(self, *exc) -> None:
        busy, _, own, wall = (*self._busy_total(), self._own(), time.perf_counter())
        elapsed = wall - self.start[3]
        self.others_cores = max(0.0, (busy - self.start[0]) - (own - self.start[2])) / elapsed
        self.loadavg = max(self.loadavg_before, os.getloadavg()[0])

    def describe(self) -> str:
        cores = os.cpu_count() or 1
        verdict = "BUSY" if self.others_cores > 0.25 * cores else "quiet"
        return (
            f"machine {verdict}: other processes kept {self.others_cores:.1f} of {cores} cores busy "
            f"(load average {self.loadavg:.1f})"
        )
