"""The same jobs on a Ray cluster (`batch --ray auto|ADDRESS`; the optional `cluster` extra).

One actor per worker CPU keeps a warm renderer (the compiled model, VTK's libraries) across
jobs, as the local pool's processes do. An actor renders a job into a private temporary folder and returns
the file's bytes; this process writes them into the output folder through the same atomic
write as every other output, so workers need no shared file system for the outputs (they do
need the scenario files at the same paths, see docs/batch.md).

When an actor dies (its process killed, its node gone) its job goes back in the queue for
another actor (up to RETRIES more times) and a replacement actor is asked for; it starts
wherever the cluster has a free CPU, and jobs go to it once it answers.
"""
from __future__ import annotations

import os
import sys
import time
from collections import deque
from typing import Callable

from viewer.core.base import interrupt
from viewer.core.base.errors import ViewerError
from viewer.core.base.files import atomic_write

from .jobs import Job, Result, file_digest

RETRIES = 3  # more tries of a job whose actor died
START_TIMEOUT_S = 300.0  # no actor at all able to start for this long: give up on the rest


def _ray():
    try:
        import ray
    except ImportError:
        raise ViewerError("--ray needs Ray, which is in the optional 'cluster' extra: "
                          "pip install 'muscle-viewer[cluster]'") from None
    return ray


class RenderWorker:
    """A Ray actor: a process that renders jobs, warm from one to the next."""

    def __init__(self):
        os.environ.setdefault("MUJOCO_GL", "disable")
        os.environ.setdefault("LP_NUM_THREADS", "0")  # one actor per CPU: each rasterises on its own thread
        import tempfile

        self.folder = tempfile.mkdtemp(prefix="muscle-viewer-ray-")

    def ping(self) -> int:
        return os.getpid()

    def render(self, job: Job) -> tuple[Result, bytes]:
        import shutil

        from .jobs import run_job

        result = run_job(job, self.folder)
        data = b""
        path = os.path.join(self.folder, job.name)
        if result.ok:
            with open(path, "rb") as f:
                data = f.read()
        shutil.rmtree(os.path.join(self.folder, job.name.split("/")[0]), ignore_errors=True)
        import ray

        result.worker = f"ray node {ray.get_runtime_context().get_node_id()[:8]}, pid {os.getpid()}"
        return result, data


class RayRunner:
    def __init__(self, address: str, workers: int | None = None):
        self.address, self.workers = address, workers

    def run(self, jobs: list[Job], out: str, on_result: Callable[[Job, Result], None]) -> None:
        if not jobs:
            return
        ray = _ray()
        connected_here = not ray.is_initialized()
        if connected_here:
            _check_reachable(self.address)
            try:
                ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                         configure_logging=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ViewerError(f"--ray {self.address}: cannot connect to a Ray cluster "
                                  f"({' '.join(str(exc).split())[:200]})") from None
            interrupt.install()  # ray.init put its own SIGTERM handler in place of ours: clean-up needs ours
        try:
            self._run(ray, jobs, out, on_result)
        finally:
            if connected_here:
                ray.shutdown()

    def _run(self, ray, jobs, out, on_result) -> None:
        from ray.exceptions import RayActorError

        actor_class = ray.remote(num_cpus=1, max_restarts=0)(RenderWorker)
        count = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        count = min(count, len(jobs))
        queue = deque(jobs)
        tries = {job.name: 0 for job in jobs}
        starting: dict = {}  # ping ref → actor
        idle: list = []
        busy: dict = {}  # render ref → (actor, job)
        actors: list = []

        def new_actor() -> None:
            actor = actor_class.remote()
            actors.append(actor)
            starting[actor.ping.remote()] = actor

        for _ in range(count):
            new_actor()
        left = len(jobs)
        failed_starts = 0
        last_alive = time.monotonic()
        try:
            while left:
                interrupt.check()
                while queue and idle:
                    actor, job = idle.pop(), queue.popleft()
                    busy[actor.render.remote(job)] = (actor, job)
                waiting = list(starting) + list(busy)
                ready, _ = ray.wait(waiting, num_returns=1, timeout=0.5)
                if busy or idle:
                    last_alive = time.monotonic()
                elif time.monotonic() - last_alive > START_TIMEOUT_S:
                    for job in queue:
                        on_result(job, Result(job.name, False, f"no Ray worker could start in "
                                                               f"{START_TIMEOUT_S:g} s"))
                    return
                for ref in ready:
                    if ref in starting:
                        actor = starting.pop(ref)
                        try:
                            ray.get(ref)
                            idle.append(actor)
                        except RayActorError as exc:  # died while starting (its node went): ask for another
                            failed_starts += 1
                            if failed_starts > 2 * count + 3:  # not bad luck: a worker that cannot start at all
                                raise ViewerError(f"Ray workers die as they start ({_first_line(exc)}); is "
                                                  f"muscle-viewer[cluster] of this version installed on every "
                                                  f"node? (docs/batch.md)") from None
                            new_actor()
                        continue
                    actor, job = busy.pop(ref)
                    try:
                        result, data = ray.get(ref)
                    except RayActorError as exc:
                        ray.kill(actor, no_restart=True)
                        new_actor()
                        tries[job.name] += 1
                        if tries[job.name] <= RETRIES:
                            print(f"muscle-viewer: the Ray worker rendering {job.name} died ({type(exc).__name__}); "
                                  f"it goes to another worker", file=sys.stderr)
                            queue.append(job)
                        else:
                            left -= 1
                            on_result(job, Result(job.name, False, f"its Ray worker died {tries[job.name]} times "
                                                                   f"({type(exc).__name__})"))
                        continue
                    idle.append(actor)
                    if result.ok:
                        result = _write(result, data, out)
                    left -= 1
                    on_result(job, result)
        finally:
            for actor in actors:
                try:
                    ray.kill(actor, no_restart=True)
                except Exception:  # noqa: BLE001 - already gone
                    pass


def _check_reachable(address: str) -> None:
    """A HOST:PORT that nothing answers on: one line now, instead of Ray retrying for minutes."""
    import socket

    host, _, port = address.rpartition(":")
    if address == "auto" or "://" in address or not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise ViewerError(f"--ray {address}: no Ray cluster answers there ({exc.strerror or exc})") from None


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines[-1] if lines else type(exc).__name__)[:200]


def _write(result: Result, data: bytes, out: str) -> Result:
    """Write an actor's output here, atomically; checked against the checksum it sent."""
    from pathlib import Path

    target = Path(out) / result.name
    target.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            f.write(data)

    def verify(tmp: str) -> None:
        if file_digest(tmp)[0] != result.sha256:
            raise ViewerError("the output arrived from its Ray worker with another checksum; not kept")

    try:
        atomic_write(target, write, verify)
    except ViewerError as exc:
        return Result(result.name, False, "; ".join(p.message for p in exc.problems), worker=result.worker)
    return result
