"""The real server for the HTTP benchmark: uvicorn with two workers on a free local port,
and the CPU time its worker processes spend, read from /proc."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

WORKERS = 2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        # uvicorn's workers are multiprocessing spawns; its resource tracker is not a worker.
        if parent == pid and b"spawn_main" in cmdline:
            children.append(int(entry.name))
    return sorted(children)


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    worker_pids: list[int]

    def cpu_by_worker(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for pid in self.worker_pids}

    def wait_until_idle(self, timeout: float, *, busy_share: float = 0.05) -> float | None:
        """Wait until no worker spends more than `busy_share` of a CPU for a second (index
        merges and outbox drains run in the workers and would be counted as requests' CPU);
        returns the seconds waited, or None when they were still busy at `timeout`."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            before = self.cpu_by_worker()
            time.sleep(1.0)
            after = self.cpu_by_worker()
            if all(after[pid] - before[pid] <= busy_share for pid in after):
                return round(time.monotonic() - began, 1)
        return None


@contextlib.contextmanager
def running_server(data_dir: Path, log_path: Path, env: dict[str, str]) -> Iterator[Server]:
    """Start `uvicorn app.main:app --workers 2` on data_dir; always stopped on the way out."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        **env,
        "MAILLAGE_DATA_DIR": str(data_dir),
        "MAILLAGE_BASE_URL": base_url,
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(WORKERS),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
    ]
    with log_path.open("ab") as log:
        # A session of its own, so stopping it reaches its workers and nothing else.
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=environment, start_new_session=True
        )
    try:
        workers = _wait_until_ready(process, base_url, log_path)
        yield Server(process, base_url, workers)
    finally:
        _stop(process)


def _wait_until_ready(process: subprocess.Popen, base_url: str, log_path: Path) -> list[int]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start; see {log_path}")
        workers = _children(process.pid)
        if len(workers) == WORKERS:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base_url}/login", timeout=5).status_code == 200:
                    return workers
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT:.0f} s; see {log_path}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
