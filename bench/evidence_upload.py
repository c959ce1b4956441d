"""Memory of a worker taking a 20 MB evidence photo (issue 13, quality bar: the worker's memory
stays below 100 MB above its idle size).

    [DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench] \\
        .venv/bin/python bench/evidence_upload.py [--runs 3] [--megabytes 20]

Each measurement runs in a fresh process, as a worker would: Django set up, one small upload
through the same path first (imports, templates, the database connection: what an idle worker
that has served requests holds), then the peak resident size is reset (``/proc/self/clear_refs``)
and the idle size read (VmRSS). The upload is then served exactly as gunicorn serves it: the
multipart body (a JPEG photo just under ``SPOTCHECK_EVIDENCE_MAX_BYTES``, made of noise so it
stays that large, with the CSRF token, a client id and the item) streamed from a file as
``wsgi.input`` into Django's WSGI handler, through every middleware, the upload view, the
content checks (Pillow), the hashing and the copy into content-hash storage, the audit entry.
The figure is the peak (VmHWM) less the idle size. The baseline, in the same run and the same
kind of process, is a plain streaming copy of the same file (``shutil.copyfileobj``); a second
reference reads the whole file into memory once, the cost of holding it.

Without DATABASE_URL a temporary SQLite database is used. A database without a drawn visit is
migrated and given a small demo region (2,000 objects, about 20 s). Files go to a temporary
SPOTCHECK_MEDIA_ROOT, removed at the end. Each run also says how busy the rest of the machine was.

Figures (2 cores, 2026-12-05): see README, Benchmarks.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_MB = 100
BOUNDARY = "----spotcheck-bench-boundary"
# A CSRF cookie made up for the run (32 characters: the unmasked form Django accepts); no secret.
CSRF_SECRET = "BenchCsrfSecretBenchCsrfSecret12"  # noqa: S105


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> None:
    # Linux: writing 5 resets the peak resident set size (VmHWM) to the current one.
    with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
        fh.write("5")


class Busy:
    """CPU time other processes used during a measurement (from /proc/stat, less ours)."""

    def __enter__(self) -> Busy:
        self.start = self._busy(), self._own(), time.perf_counter()
        return self

    @staticmethod
    def _busy() -> float:
        with open("/proc/stat", encoding="ascii") as fh:
            values = [int(v) for v in fh.readline().split()[1:]]
        return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own() -> float:
        """This process's CPU time and that of its finished children (the measured process)."""
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def __exit__(self, *exc) -> None:
        elapsed = time.perf_counter() - self.start[2]
        self.others = max(0.0, (self._busy() - self.start[0]) - (self._own() - self.start[1])) / elapsed
        self.load = os.getloadavg()[0]

    def describe(self) -> str:
        cores = os.cpu_count() or 1
        verdict = "BUSY" if self.others > 0.25 * cores else "quiet"
        return f"machine {verdict}: others kept {self.others:.1f} of {cores} cores busy (load {self.load:.1f})"


# ---------------------------------------------------------------------------------------- child


def _multipart(path: Path, fields: dict[str, str], file_path: Path, name: str) -> None:
    """Write a multipart/form-data body to ``path``, the file streamed in, never whole in memory."""
    with open(path, "wb") as out:
        for key, value in fields.items():
            out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        out.write((head + "Content-Type: image/jpeg\r\n\r\n").encode())
        with open(file_path, "rb") as source:
            shutil.copyfileobj(source, out, 1024 * 1024)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())


def _serve(handler, session: str, visit_id: int, body: Path) -> tuple[str, bytes]:
    from django.conf import settings
    from django.test.client import RequestFactory

    environ = RequestFactory()._base_environ(
        PATH_INFO=f"/evidence/visits/{visit_id}/upload/",
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.stat().st_size),
        HTTP_ACCEPT="application/json",
        HTTP_HOST="localhost",
        HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF_SECRET}",
    )
    answer: dict[str, str] = {}
    with open(body, "rb") as stream:
        environ["wsgi.input"] = stream
        chunks = handler(environ, lambda status, headers, exc_info=None: answer.setdefault("status", status))
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    return answer["status"], content


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    import machine

    machine.setup_django()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

    from spotcheck.accounts.models import User

    user = User.objects.get(pk=args.user)
    client = Client()
    client.force_login(user)
    from django.conf import settings

    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    handler = WSGIHandler()
    work = Path(args.work)
    fields = {"csrfmiddlewaretoken": CSRF_SECRET, "caption": "bench", "item_version": ""}
    # Warm up: a small upload through the same path.
    small = work / f"warm-{uuid.uuid4()}.body"
    _multipart(small, fields | {"client_id": str(uuid.uuid4())}, Path(args.small), "warm.jpg")
    status, content = _serve(handler, session, args.visit, small)
    assert status.startswith("201"), (status, content[:300])
    small.unlink()
    body = work / f"big-{uuid.uuid4()}.body"
    _multipart(body, fields | {"client_id": str(uuid.uuid4())}, Path(args.photo), "现场照片.jpg")
    import gc

    gc.collect()
    _reset_peak()
    idle = _status_kb("VmRSS")
    started = time.perf_counter()
    if args.child == "upload":
        status, content = _serve(handler, session, args.visit, body)
        assert status.startswith("201"), (status, content[:300])
    elif args.child == "copy":
        with open(args.photo, "rb") as source, open(work / f"copy-{uuid.uuid4()}", "wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
    else:  # "read": the whole file in memory once
        data = Path(args.photo).read_bytes()
        assert len(data) > 0
    seconds = time.perf_counter() - started
    peak = _status_kb("VmHWM")
    body.unlink()
    stored = None
    if args.child == "upload":  # what the view stored, checked by the parent
        from spotcheck.evidence.models import Evidence

        stored = Evidence.objects.get(pk=json.loads(content)["id"]).size
    figures = {"idle_kb": idle, "peak_kb": peak, "growth_kb": peak - idle, "seconds": seconds, "stored": stored}
    print(json.dumps(figures))


# --------------------------------------------------------------------------------------- parent


def _photo(path: Path, size: int) -> None:
    """A JPEG of noise just under ``size`` bytes (noise does not compress: a large real photo)."""
    from PIL import Image

    sample = io.BytesIO()
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(sample, "JPEG", quality=90)
    pixels = int(size * 0.97 / (sample.tell() / 1_000_000))
    width = int((pixels * 4 / 3) ** 0.5)
    height = pixels // width
    while True:
        Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(path, "JPEG", quality=90)
        if path.stat().st_size <= size:
            return
        width, height = int(width * 0.98), int(height * 0.98)


def _prepare() -> tuple[int, int]:
    """A drawn visit that may proceed and a user on its team: (visit id, user id)."""
    from django.core.management import call_command
    from django.db.models import Exists, OuterRef

    from spotcheck.draws.models import Task, Visit, VisitMember
    from spotcheck.inspections import selectors, services

    call_command("migrate", verbosity=0)
    teams = VisitMember.objects.filter(visit=OuterRef("pk"), inspector__user__isnull=False)
    visits = Visit.objects.filter(task__status=Task.Status.DRAWN).filter(Exists(teams))
    if not visits.exists():
        print("loading a small demo region (2,000 objects) …", flush=True)
        call_command("demo_data", objects=2000, inspectors=100, verbosity=0)
    visit = visits.select_related("task").order_by("pk").first()
    member = visit.members.filter(inspector__user__isnull=False).select_related("inspector__user").first()
    user = member.inspector.user
    if not selectors.approval_state(visit).may_proceed:
        services.visit_emergency_start(actor=user, visit=visit, reason="基准测试")
    return visit.pk, user.pk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--megabytes", type=float, default=None, help="photo size (default: the upload limit)")
    parser.add_argument("--child", choices=["upload", "copy", "read"], help=argparse.SUPPRESS)
    for hidden in ("visit", "user"):
        parser.add_argument(f"--{hidden}", type=int, help=argparse.SUPPRESS)
    for hidden in ("photo", "small", "work"):
        parser.add_argument(f"--{hidden}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    work = Path(tempfile.mkdtemp(prefix="sc-bench-evidence-"))
    env = dict(os.environ)
    env.setdefault("SPOTCHECK_MEDIA_ROOT", str(work / "media"))
    env.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.update(env)
    sys.path.insert(0, str(HERE))
    import machine

    machine.setup_django()
    from django.conf import settings

    try:
        print(machine.describe(), flush=True)
        visit_id, user_id = _prepare()
        limit = settings.SPOTCHECK_EVIDENCE_MAX_BYTES
        size = int(args.megabytes * 1024 * 1024) if args.megabytes else limit
        small = work / "small.jpg"
        _photo(small, 50_000)
        # A new photo each run: the first upload of its bytes, written into storage.
        photos = [work / f"photo-{run}.jpg" for run in range(1, args.runs + 1)]
        for photo in photos:
            _photo(photo, size)
        print(
            f"photos: {photos[0].stat().st_size / 1024 / 1024:.1f} MB JPEGs (limit {limit / 1024 / 1024:g} MB); "
            f"FILE_UPLOAD_MAX_MEMORY_SIZE {settings.FILE_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g} MB; "
            f"database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}",
            flush=True,
        )
        base = [sys.executable, __file__, "--visit", str(visit_id), "--user", str(user_id)]
        base += ["--small", str(small), "--work", str(work)]
        results: dict[str, list[dict]] = {"copy": [], "read": [], "upload": []}
        for run, photo in enumerate(photos, 1):
            for mode in results:
                command = [*base, "--photo", str(photo), "--child", mode]
                with Busy() as busy:
                    out = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
                if out.returncode != 0:
                    print(out.stdout, out.stderr, file=sys.stderr)
                    return 1
                figures = json.loads(out.stdout.strip().splitlines()[-1])
                if mode == "upload" and figures["stored"] != photo.stat().st_size:
                    print(f"the upload stored {figures['stored']} bytes, not the photo's", file=sys.stderr)
                    return 1
                results[mode].append(figures)
                print(
                    f"run {run} {mode:6}: idle {figures['idle_kb'] / 1024:6.1f} MB, peak growth "
                    f"{figures['growth_kb'] / 1024:6.1f} MB in {figures['seconds'] * 1000:6.0f} ms; {busy.describe()}",
                    flush=True,
                )
        growth = [r["growth_kb"] / 1024 for r in results["upload"]]
        copy = [r["growth_kb"] / 1024 for r in results["copy"]]
        read = [r["growth_kb"] / 1024 for r in results["read"]]
        worst = max(growth)
        print(
            f"upload of {photos[0].stat().st_size / 1024 / 1024:.1f} MB: peak growth median "
            f"{statistics.median(growth):.1f} MB, worst {worst:.1f} MB (target < {TARGET_MB} MB: "
            f"{'met' if worst < TARGET_MB else 'NOT MET'}); baseline streaming copy median "
            f"{statistics.median(copy):.1f} MB; the file read whole once {statistics.median(read):.1f} MB"
        )
        return 0 if worst < TARGET_MB else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
