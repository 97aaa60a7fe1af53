"""The local process pool: one worker per core, each kept warm across jobs.

A worker is a long-lived process: the compiled model (core's model cache), VTK's libraries and
what the GL driver keeps (compiled shaders) stay loaded from one job to the next, so only the
first job pays about 3 s of set-up here; later jobs build their scene in about 0.3 s (each job
gets a fresh scene, so its pixels cannot depend on the job before). Processes are spawned,
never forked: a fork would copy a parent's half-made GL and thread state.

A worker that dies (killed, out of memory) is replaced and its job given to another worker once
more; Ctrl-C or SIGTERM stops every worker, and each one's atomic write leaves no partial file.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import sys
from pathlib import Path
from typing import Callable, Iterable

from viewer.core.base import interrupt
from viewer.core.base.errors import ViewerError

from .jobs import Job, Result, remove_leftovers, run_job

RETRIES = 1  # a job whose worker died is tried this many more times


def spawn_context():
    return mp.get_context("spawn")


def share_cores(workers: int) -> None:
    """In a worker, before any GL is set up: software GL (Mesa's llvmpipe) rasterises on one thread
    per core by default, so one export already keeps two cores half busy; with a worker per
    core, each rasterises on its own thread instead (LP_NUM_THREADS=0: the same bytes, a little
    less CPU: 12.7 against 13.6 s for one 1280x720 export here). A GPU driver ignores it; a value
    the user set is kept."""
    threads = (os.cpu_count() or 1) // max(workers, 1)
    os.environ.setdefault("LP_NUM_THREADS", str(threads if threads > 1 else 0))


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


def _serve(wid: int, workers: int, tasks, results, out: str) -> None:
    """A worker: run the jobs given to it until None, reporting ("done", wid, Result)."""
    os.environ.setdefault("MUJOCO_GL", "disable")
    share_cores(workers)
    interrupt.install()
    try:
        while True:
            job = tasks.get()
            if job is None:
                return
            result = run_job(job, out)
            result.worker = f"pid {os.getpid()}"
            results.put(("done", wid, result))
    except KeyboardInterrupt:  # SIGTERM/SIGINT: the job's atomic write has already cleaned up
        return


class LocalPool:
    """Each worker has its own task queue and is given its next job when it reports the last,
    so this process always knows which job a worker holds (and retries it if the worker dies)."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)

    def run(self, jobs: Iterable[Job], out: str, on_result: Callable[[Job, Result], None]) -> None:
        """Run every job; on_result(job, result) in this process as each one finishes."""
        waiting = list(jobs)
        if not waiting:
            return
        ctx = spawn_context()
        results = ctx.Queue()
        tries = {job.name: 0 for job in waiting}
        workers: dict[int, list] = {}  # id → [process, its task queue, the job it holds or None]
        started = 0
        idle_deaths = 0

        def give(wid: int) -> None:
            slot = workers[wid]
            slot[2] = waiting.pop(0) if waiting else None
            if slot[2] is not None:
                slot[1].put(slot[2])

        def start_worker() -> None:
            nonlocal started
            started += 1
            tasks = ctx.Queue()
            proc = ctx.Process(target=_serve, args=(started, self.workers, tasks, results, out), daemon=True,
                               name=f"muscle-viewer batch worker {started}")
            proc.start()
            workers[started] = [proc, tasks, None]
            give(started)

        left = len(waiting)
        try:
            for _ in range(min(self.workers, len(waiting))):
                start_worker()
            while left:
                interrupt.check()
                try:
                    _, wid, result = results.get(timeout=0.5)
                except queue.Empty:
                    for wid, (proc, _tasks, job) in list(workers.items()):
                        if proc.is_alive() or proc.exitcode in (None, 0):
                            continue
                        del workers[wid]
                        if job is None:  # died idle: a broken installation would do so forever
                            idle_deaths += 1
                            if idle_deaths > 3:
                                raise ViewerError(f"the batch workers stop as they start (exit code "
                                                  f"{proc.exitcode}); try `muscle-viewer export` of one "
                                                  f"scenario to see why")
                        else:
                            remove_leftovers(Path(out) / job.name)  # a killed process cannot clean up
                            tries[job.name] += 1
                            if tries[job.name] <= RETRIES:
                                print(f"muscle-viewer: the worker rendering {job.name} stopped (exit code "
                                      f"{proc.exitcode}); it goes to another worker", file=sys.stderr)
                                waiting.insert(0, job)
                            else:
                                left -= 1
                                on_result(job, Result(job.name, False, f"its worker stopped (exit code "
                                                                       f"{proc.exitcode}) {tries[job.name]} times"))
                        if waiting:
                            start_worker()
                    continue
                job = workers[wid][2]
                left -= 1
                on_result(job, result)
                give(wid)
        finally:
            procs = [slot[0] for slot in workers.values()]
            if not left:  # all done: each idle worker takes a stop sign and exits
                for slot in workers.values():
                    slot[1].put(None)
                for proc in procs:
                    proc.join(timeout=10)
            stop_processes(procs)
            for q in [results] + [slot[1] for slot in workers.values()]:
                q.cancel_join_thread()
                q.close()
