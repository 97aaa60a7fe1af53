"""A batch from plan to closing table: expand, skip what is current, render the rest, record."""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from viewer.core.base.errors import Problem, ViewerError, display_path

from .jobs import Job, Result, expand, remove_leftovers
from .manifest import Manifest
from .plan import Plan, load_plan
from .report import BatchProgress, closing_table


@dataclass
class Summary:
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0


def plan_jobs(plan_path: str | Path) -> list[Job]:
    return expand(load_plan(plan_path))


def run_batch(plan_path: str | Path, out: str | Path, workers: int | None = None, ray: str | None = None,
              force: bool = False, verify: bool = False, only: str | None = None, progress: bool = True,
              stream=None) -> Summary:
    """Render every output of the plan that is not current into `out`."""
    start = time.monotonic()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ViewerError([Problem(display_path(out), None, "is not a folder; give the batch an output folder")])
    plan = load_plan(plan_path)
    jobs = expand(plan)
    if only:
        import fnmatch

        jobs = [j for j in jobs if fnmatch.fnmatch(j.name, only)]
    refuse_inputs_as_outputs(plan, jobs, out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out)
    if manifest.note:
        print(manifest.note, file=sys.stderr)
    summary = Summary()
    todo = []
    for job in jobs:
        if not force and manifest.current(job, out, verify):
            summary.skipped.append(job.name)
            summary.rows.append(("skipped", job.name, "current"))
        else:
            remove_leftovers(out / job.name)
            todo.append(job)
    bar = BatchProgress(len(todo), sum(j.weight for j in todo), stream=stream) if progress else None

    def on_result(job: Job, result: Result) -> None:
        if result.ok:
            manifest.record(job, result, out)
            summary.done.append(job.name)
            detail = f"{result.bytes / 1e6:.2f} MB, {result.seconds:.1f} s"
            if result.frames:
                detail = f"{result.frames} frames, " + detail
            summary.rows.append(("done", job.name, detail))
        else:
            manifest.forget(job.name)
            summary.failed[job.name] = result.reason
            summary.rows.append(("failed", job.name, result.reason))
        if bar:
            bar.advance(job.weight, result.ok)

    try:
        if ray is not None:
            from .ray_runner import RayRunner

            RayRunner(ray, workers).run(todo, str(out), on_result)
        else:
            from .pool import LocalPool

            LocalPool(workers or os.cpu_count() or 1).run(todo, str(out), on_result)
    finally:
        if bar:
            bar.finish()
        summary.seconds = time.monotonic() - start
    return summary


def refuse_inputs_as_outputs(plan: Plan, jobs: list[Job], out: Path) -> None:
    """Before any work: one line naming the plan's line when a job's output (symlinks and hard
    links followed) is a file that job reads: its scenario, its model, a mesh. A job whose model
    cannot be read fails on its own, in the closing table."""
    from viewer.core.model.binding import load_model
    from viewer.core.base.errors import ModelError, ScenarioError
    from viewer.core.base.files import identities, refuse_input
    from viewer.core.scenario.props import mesh_path
    from viewer.core.scenario.read import load_scenario

    inputs: dict[str, dict] = {}
    for job in jobs:
        if job.scenario not in inputs:
            scenario = load_scenario(job.scenario)
            try:
                model_files = dict(getattr(load_model(scenario.model, scenario.base_dir), "inputs", {}))
            except (ModelError, ScenarioError):
                model_files = {}
            inputs[job.scenario] = {**model_files, **identities(
                [scenario.path] + [mesh_path(p.mesh, scenario.base_dir) for p in scenario.props])}
        try:
            refuse_input(out / job.name, inputs[job.scenario], "this job", "output folder")
        except ViewerError as exc:
            raise ViewerError([Problem(plan.file, plan.lines.get(job.scenario), str(exc))]) from None


def print_table(summary: Summary, stream=None) -> None:
    print(closing_table(summary.rows, summary.seconds), file=stream or sys.stdout)
