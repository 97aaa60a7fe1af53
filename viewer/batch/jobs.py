"""Jobs: one output file each, expanded from a plan, rendered by the same code as the commands.

A job renders through `export`'s, `snapshot`'s and `share`'s own functions with the same
options, so a batch output is the file the single command writes (tests compare them).
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from viewer.core.base.errors import Problem, ScenarioError, ViewerError

from .plan import MAX_JOBS, OWN, Plan

PAGE_WEIGHT = 40  # a page's cost in small-frame units (measured: about as long as 40 small frames)
STILL_WEIGHT = 12  # a still: one multisampled frame and a stage set up for it
SETUP_WEIGHT = 8  # a video's stage set-up


@dataclass(frozen=True)
class Job:
    name: str  # output path relative to the output folder, '/'-separated: leg_raise/left-slide.mp4
    kind: str  # video | still | page
    scenario: str  # absolute path of the scenario file
    view: str | None = None  # None: the scenario's own camera
    colour: str | None = None  # None: the scenario's own colour source
    size: str | None = None  # WxH; pages have none
    fps: float = 30.0
    speed: float = 1.0
    loops: int = 1
    orbit: float = 0.0
    muscles: str = "shapes"
    time: float = 0.0  # stills
    transparent: bool = False  # stills
    note: str = ""  # pages
    weight: float = 1.0  # expected cost, for the progress bar's time left

    def options(self) -> dict:
        """What the output depends on besides the files: recorded in the manifest."""
        keep = {"video": ("view", "colour", "size", "fps", "speed", "loops", "orbit", "muscles"),
                "still": ("view", "colour", "size", "time", "transparent", "muscles"),
                "page": ("view", "colour", "note")}[self.kind]
        values = asdict(self)
        return {"kind": self.kind, **{k: values[k] for k in keep}}


def expand(plan: Plan) -> list[Job]:
    """Every output of the plan: scenarios × views × colours × (sizes × (videos + stills) + pages)."""
    from viewer.core.view.playback import export_times
    from viewer.core.scenario.read import load_scenario

    video = plan.video
    jobs: list[Job] = []
    for path in plan.scenarios:
        scenario = load_scenario(path)
        stills = list(dict.fromkeys(named for still in plan.stills for named in still.times(scenario)))
        for view in plan.views:
            for colour in plan.colours:
                tail = "" if colour == OWN else f"-{colour}"
                view_name = "scenario-view" if view == OWN else view
                common = dict(scenario=str(path.resolve()), view=None if view == OWN else view,
                              colour=None if colour == OWN else colour)
                for size_name, size in plan.sizes.items():
                    w, h = (int(v) for v in size.split("x"))
                    pixels = w * h / (320 * 240)
                    for fmt in ("mp4", "gif"):
                        if fmt not in plan.formats:
                            continue
                        speed, loops = video.get("speed", 1.0), video.get("loops", 1)
                        fps = video.get("fps", 30.0)
                        frames = export_times(scenario.duration, fps, speed, loops, scenario.loop)[0].size
                        jobs.append(Job(f"{path.stem}/{view_name}-{size_name}{tail}.{fmt}", "video", size=size,
                                        fps=fps, speed=speed, loops=loops, orbit=video.get("orbit", 0.0),
                                        muscles=video.get("muscles", "shapes"),
                                        weight=SETUP_WEIGHT + frames * pixels, **common))
                    for label, seconds in stills:
                        jobs.append(Job(f"{path.stem}/{view_name}-{size_name}{tail}-{label}.png", "still", size=size,
                                        time=seconds, transparent=plan.still.get("transparent", False),
                                        muscles=plan.still.get("muscles", "shapes"),
                                        weight=STILL_WEIGHT * max(pixels, 1.0), **common))
                if len(jobs) > MAX_JOBS:  # a plan of a few lines can ask for millions (1,000 stills × …)
                    raise ScenarioError([Problem(plan.file, None, f"makes more than {MAX_JOBS:,} outputs; split it "
                                                                f"into several plans")])
                if "html" in plan.formats:
                    jobs.append(Job(f"{path.stem}/{view_name}{tail}.html", "page", note=plan.page.get("note", ""),
                                    weight=PAGE_WEIGHT, **common))
    return jobs


@dataclass
class Result:
    name: str
    ok: bool
    reason: str = ""  # one line, when not ok
    sha256: str = ""
    bytes: int = 0
    frames: int = 0  # videos: frames written; stills and pages: 0
    seconds: float = 0.0  # time spent rendering and writing
    worker: str = ""  # where it ran (process id, Ray node)


def run_job(job: Job, out: str | Path) -> Result:
    """Render one job into out/job.name (atomically, by the commands' own writers)."""
    from viewer.core.base.errors import plain_words

    start = time.perf_counter()
    target = Path(out) / job.name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        frames = render(job, target)
    except ViewerError as exc:
        return Result(job.name, False, plain_words(exc), seconds=time.perf_counter() - start)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - one line in the closing table, never a traceback
        return Result(job.name, False, plain_words(exc), seconds=time.perf_counter() - start)
    digest, size = file_digest(target)
    return Result(job.name, True, sha256=digest, bytes=size, frames=frames, seconds=time.perf_counter() - start)


def render(job: Job, target: Path) -> int:
    """Write one job's output file; returns the frames written (0 for stills and pages)."""
    if job.kind == "video":
        from viewer.commands.export import write_export

        count, _ = write_export(job.scenario, target, size=job.size, fps=job.fps, speed=job.speed, view=job.view,
                                orbit=job.orbit, loops=job.loops, colour=job.colour, muscles=job.muscles)
        return count
    if job.kind == "still":
        from viewer.commands.snapshot import write_snapshot

        write_snapshot(job.scenario, target, job.time, size=job.size, view=job.view, transparent=job.transparent,
                       colour=job.colour, muscles=job.muscles)
        return 0
    from viewer.commands.share import write_share

    write_share(job.scenario, target, note=job.note, view=job.view, colour=job.colour)
    return 0


def file_digest(path: str | Path) -> tuple[str, int]:
    """(sha256 hex, size in bytes) of a file."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def inputs_key(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def remove_leftovers(target: Path) -> None:
    """Temporary files a worker killed outright (SIGKILL: no clean-up ran) left beside an output:
    atomic_write names them .NAME.<random>.part.SUFFIX."""
    folder = target.parent
    if not folder.is_dir():
        return
    for leftover in folder.glob(f".{target.name}.*.part{target.suffix}"):
        try:
            leftover.unlink()
        except OSError:
            pass
