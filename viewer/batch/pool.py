"""The local process pool: one worker per core, each kept warm across jobs.

A worker is a long-lived process: the compiled model (core's model cache), VTK's libraries and
its off-screen GL context stay loaded from one job to the next, so only the first job pays
their set-up (about 3 s here). Processes are spawned, never forked: a fork would copy a parent's
half-made GL and thread state.

A worker that dies (killed, out of memory) is replaced and its job given to another worker once
more; Ctrl-C or SIGTERM stops every worker, and each one's atomic write leaves no partial file.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import sys
from typing import Callable, Iterable

from viewer.core import interrupt

from .jobs import Job, Result, run_job

RETRIES = 1  # a job whose worker died is tried this many more times


def spawn_context():
    return mp.get_context("spawn")


def stop_processes(procs, wait: float = 0.0, grace: float = 10.0) -> None:
    """Give each process `wait` seconds to end by itself, then SIGTERM the rest (an atomic
    write in progress cleans up) and SIGKILL those still there after `grace` seconds."""
    for proc in procs:
        if wait:
            proc.join(timeout=wait)
    for proc in procs:
        if proc.is_alive() and proc.pid:
            try:
                os.kill(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for proc in procs:
        proc.join(timeout=grace)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)


def _serve(tasks, results, out: str) -> None:
    """A worker: run jobs from `tasks` until None; report ("start", job name, pid) and ("done", Result)."""
    os.environ.setdefault("MUJOCO_GL", "disable")
    interrupt.install()
    try:
        while True:
            job = tasks.get()
            if job is None:
                return
            results.put(("start", job.name, os.getpid()))
            result = run_job(job, out)
            result.worker = f"pid {os.getpid()}"
            results.put(("done", result))
    except KeyboardInterrupt:  # SIGTERM/SIGINT: the job's atomic write has already cleaned up
        return


class LocalPool:
    def __init__(self, workers: int):
        self.workers = max(1, workers)

    def run(self, jobs: Iterable[Job], out: str, on_result: Callable[[Job, Result], None]) -> None:
        """Run every job; on_result(job, result) in this process as each one finishes."""
        jobs = list(jobs)
        if not jobs:
            return
        ctx = spawn_context()
        tasks, results = ctx.Queue(), ctx.Queue()
        by_name = {job.name: job for job in jobs}
        tries = {job.name: 0 for job in jobs}
        for job in jobs:
            tasks.put(job)
        count = min(self.workers, len(jobs))
        procs: list = []
        running: dict[int, str] = {}  # pid → job name

        def start_worker() -> None:
            proc = ctx.Process(target=_serve, args=(tasks, results, out), daemon=True,
                               name=f"muscle-viewer batch worker {len(procs) + 1}")
            proc.start()
            procs.append(proc)

        left = len(jobs)
        try:
            for _ in range(count):
                start_worker()
            while left:
                interrupt.check()
                try:
                    message = results.get(timeout=0.5)
                except queue.Empty:
                    message = None
                if message is None:
                    left -= self._replace_dead(procs, running, by_name, tries, tasks, start_worker, on_result)
                    continue
                if message[0] == "start":
                    running[message[2]] = message[1]
                    continue
                result = message[1]
                running = {pid: name for pid, name in running.items() if name != result.name}
                left -= 1
                on_result(by_name[result.name], result)
        finally:
            if not left:  # all done: each idle worker takes a stop sign and exits
                for _ in procs:
                    tasks.put(None)
                for proc in procs:
                    proc.join(timeout=10)
            stop_processes(procs)
            for q in (tasks, results):
                q.cancel_join_thread()
                q.close()

    @staticmethod
    def _replace_dead(procs, running, by_name, tries, tasks, start_worker, on_result) -> int:
        """Workers that died mid-job: retry the job on a new worker (once), else report it failed.
        Returns the number of jobs given up on."""
        given_up = 0
        for proc in list(procs):
            if proc.is_alive() or proc.exitcode is None or proc.exitcode == 0:
                continue
            procs.remove(proc)
            name = running.pop(proc.pid, None)
            if name is not None:
                if tries[name] < RETRIES:
                    tries[name] += 1
                    print(f"muscle-viewer: the worker rendering {name} stopped (exit code {proc.exitcode}); "
                          f"it goes to another worker", file=sys.stderr)
                    tasks.put(by_name[name])
                else:
                    given_up += 1
                    on_result(by_name[name], Result(name, False, f"its worker stopped (exit code {proc.exitcode}) "
                                                                 f"{tries[name] + 1} times"))
            start_worker()
        return given_up
