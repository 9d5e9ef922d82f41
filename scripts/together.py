#!/usr/bin/env python3
"""Run several long-running commands side by side, as one (make demo: web, worker,
scheduler).

    together.py "web=python manage.py runserver" "worker=python manage.py run_worker"

Each line of output is prefixed with its command's name. Ctrl-C (SIGINT) or SIGTERM
stops them all; when one of them ends by itself, the others are stopped too, and the
exit status is that first one's. Each command runs in a process group of its own, so
it is stopped with everything it started (e.g. runserver's auto-reloader child).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import threading
import time

GRACE_SECONDS = 10


def _pump(name: str, width: int, stream, lock: threading.Lock) -> None:
    for line in iter(stream.readline, b""):
        with lock:
            sys.stdout.buffer.write(f"{name:<{width}} | ".encode() + line)
            sys.stdout.buffer.flush()


def _stop(processes: dict[str, subprocess.Popen], sig: int) -> None:
    for process in processes.values():
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)


def main(specs: list[str]) -> int:
    commands = {}
    for spec in specs:
        name, _eq, command = spec.partition("=")
        if not _eq or not command.strip():
            print(f"together.py: expected NAME=COMMAND, got {spec!r}", file=sys.stderr)
            return 2
        commands[name] = shlex.split(command)
    width = max(len(name) for name in commands)
    lock = threading.Lock()
    processes: dict[str, subprocess.Popen] = {}
    stopping = threading.Event()

    def on_signal(signum, frame):
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    for name, argv in commands.items():
        process = subprocess.Popen(  # noqa: S603 (the commands are the caller's own)
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        processes[name] = process
        threading.Thread(
            target=_pump, args=(name, width, process.stdout, lock), daemon=True
        ).start()
    status = 0
    while not stopping.is_set():
        ended = [(name, p.returncode) for name, p in processes.items() if p.poll() is not None]
        if ended:
            name, status = ended[0]
            print(f"together.py: {name} ended ({status}); stopping the others", flush=True)
            break
        stopping.wait(0.2)
    _stop(processes, signal.SIGINT)
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline and any(p.poll() is None for p in processes.values()):
        time.sleep(0.1)
    _stop(processes, signal.SIGKILL)
    for process in processes.values():
        process.wait()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
