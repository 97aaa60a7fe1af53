"""Headless export: MP4 (H.264), GIF and PNG stills, streamed and written atomically.

Frames are sampled in small batches, rendered off-screen (EGL, no display needed) and piped
straight into ffmpeg (imageio-ffmpeg's own binary), so memory stays flat whatever the length.
The file appears only when complete: it is written beside the target and renamed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from viewer.core.errors import ViewerError
from viewer.core.files import atomic_write

from .camera import CameraRig, body_points

VIDEO_SUFFIXES = (".mp4", ".gif")
STILL_SUFFIXES = (".png",)
BATCH = 24  # frames sampled per kinematics call: vectorised, yet small in memory
BACKGROUND = ((0.13, 0.15, 0.18), (0.27, 0.30, 0.35))  # bottom, top: a calm dark slate
MIN_SIZE, MAX_SIZE = 64, 7680
EXTENT_FPS = 6.0  # samples per second of the scenario used to frame the camera


class ExportCancelled(ViewerError):
    def __init__(self):
        super().__init__("export cancelled; nothing was written")


@dataclass
class ExportOptions:
    size: tuple[int, int] = (1280, 720)
    fps: float = 30.0
    speed: float = 1.0  # playback speed: 2 plays the exercise twice as fast
    view: str | None = None  # None: the scenario's camera view
    orbit: float = 0.0  # degrees the camera turns about the vertical over the whole export
    loops: int = 1
    anti_aliasing: str = "fxaa"  # "fxaa" (cheap smoothing), "msaa" (8 samples: stills), "none" (pixel tests)
    transparent: bool = False  # stills only
    text: bool = True  # title, caption, legend and measuring lines
    legend: bool = True  # the colour legend (side-by-side panels share one instead)
    crf: int = 20  # H.264 quality (lower is better, 18–23 is visually clean)
    muscles: tuple[int, ...] | None = None  # draw only these muscles (tests, close-ups)
    focus: tuple[str, ...] | None = None  # groups drawn in full; None: the scenario's focus
    bone_opacity: float = 1.0
    bones: bool = True
    floor: bool = True
    muscle_style: str = "shapes"  # "shapes" (bellies and tendons) | "lines" (lines of action)


def parse_size(text: str) -> tuple[int, int]:
    """'1280x720' → (1280, 720); a one-line error for anything else."""
    parts = str(text).lower().replace("×", "x").split("x")
    try:
        w, h = (int(p) for p in parts)
    except ValueError:
        raise ViewerError(f"bad size '{text}': write WIDTHxHEIGHT, e.g. 1280x720") from None
    if not (MIN_SIZE <= w <= MAX_SIZE and MIN_SIZE <= h <= MAX_SIZE):
        raise ViewerError(f"bad size '{text}': width and height must be {MIN_SIZE}…{MAX_SIZE} pixels")
    return w, h


def playback(duration: float, options: ExportOptions, loop: str) -> tuple[np.ndarray, np.ndarray]:
    """Scenario times of the exported frames and their play direction (+1 forward, −1 backward).

    A video of L loops lasts L·duration/speed seconds and holds round(that·fps) frames, so a
    GIF loops without a doubled frame. 'pingpong' scenarios play every second loop backward.
    """
    total = options.loops * duration / options.speed
    n = max(1, int(round(total * options.fps)))
    clock = np.arange(n) * options.speed / options.fps  # scenario seconds played so far
    if duration <= 0:
        return np.zeros(n), np.ones(n)
    loop_index = np.floor(clock / duration + 1e-9)
    local = np.clip(clock - loop_index * duration, 0.0, duration)
    backward = (loop == "pingpong") & (loop_index % 2 == 1)
    return np.where(backward, duration - local, local), np.where(backward, -1.0, 1.0)


ANTI_ALIASING = ("fxaa", "msaa", "none")


def make_plotter(size: tuple[int, int], anti_aliasing: str, transparent: bool = False):
    import pyvista as pv
    from vtkmodules.vtkCommonCore import vtkLogger

    vtkLogger.SetStderrVerbosity(vtkLogger.VERBOSITY_ERROR)  # no 'bad X server' noise when headless
    plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting="light_kit")
    if anti_aliasing not in ANTI_ALIASING:
        raise ViewerError(f"unknown anti-aliasing '{anti_aliasing}'; use {', '.join(ANTI_ALIASING)}")
    # Multisampling is costly in software GL (about 2x a frame); FXAA is one cheap screen pass.
    plotter.ren_win.SetMultiSamples(8 if anti_aliasing == "msaa" else 0)
    plotter.renderer.SetUseFXAA(anti_aliasing == "fxaa")
    if transparent:  # a gradient would paint over the alpha channel
        plotter.ren_win.SetAlphaBitPlanes(1)
        plotter.set_background(BACKGROUND[0])
    else:
        plotter.set_background(BACKGROUND[0], top=BACKGROUND[1])
    return plotter


class Stage:
    """Everything needed to draw one scenario: plotter, scene, overlays, camera."""

    def __init__(self, kin, colouring, options: ExportOptions):
        from .overlays import Overlays
        from .scene import Scene, SceneStyle

        self.kin, self.colouring, self.options = kin, colouring, options
        self.size = options.size
        overview = kin.sample(kin.times(EXTENT_FPS))
        extent = body_points(overview, kin.model)
        self.plotter = make_plotter(self.size, options.anti_aliasing, options.transparent)
        style = SceneStyle(bone_opacity=options.bone_opacity, muscles=options.muscles, bones=options.bones,
                           floor=options.floor, muscle_style=options.muscle_style)
        focus = list(options.focus) if options.focus is not None else None
        self.scene = Scene(self.plotter, kin, overview, style, focus_groups=focus, extent=extent)
        self.overlays = Overlays(self.plotter, kin, colouring, self.size, text=options.text, legend=options.legend)
        self.rig = CameraRig(kin, self.scene.extent, self.size, options.view, self.overlays.free_area())
        self._orbit = None
        self._aim(0.0)

    def show(self, frames, i: int, colours: np.ndarray, orbit: float = 0.0, scenario_time: float | None = None):
        """Draw frame i of a batch (colours: that frame's uint8 (M, 3) from scene.paint)."""
        self.scene.update(frames, i, colours)
        self.overlays.update(frames, i, scenario_time)
        if orbit != self._orbit:
            self._aim(orbit)
        self.plotter.renderer.ResetCameraClippingRange()

    def _aim(self, orbit: float) -> None:
        self.rig.shot(orbit).apply(self.plotter.renderer.GetActiveCamera())
        self.plotter.renderer.camera_set = True  # stop PyVista resetting it on the first render
        self._orbit = orbit

    def pixels(self) -> np.ndarray:
        """Render and read back RGB rows bottom-up (h, w, 3): video frames are flipped by ffmpeg."""
        from vtkmodules.util.numpy_support import vtk_to_numpy

        w, h = self.size
        win = self.plotter.ren_win
        win.Render()
        if not hasattr(self, "_buffer"):
            from vtkmodules.vtkCommonCore import vtkUnsignedCharArray

            self._buffer = vtkUnsignedCharArray()
        win.GetPixelData(0, 0, w - 1, h - 1, 0, self._buffer, 0)
        return vtk_to_numpy(self._buffer).reshape(h, w, 3)

    def image(self) -> np.ndarray:
        """The rendered frame top-down, RGBA when the background is transparent."""
        return self.plotter.screenshot(transparent_background=self.options.transparent, return_img=True)

    def close(self) -> None:
        self.plotter.close()


def _encoder(path: str, options: ExportOptions):
    """A started imageio-ffmpeg writer generator for bottom-up RGB frames."""
    import imageio_ffmpeg

    w, h = options.size
    if path.lower().endswith(".gif"):
        # One palette for the whole clip (ffmpeg holds the frames, not Python), ordered dither.
        codec, pix_fmt = "gif", "pal8"
        params = ["-vf", "vflip,split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4",
                  "-loop", "0"]
    else:
        codec, pix_fmt = "libx264", "yuv420p"
        params = ["-vf", "vflip", "-preset", "veryfast", "-crf", str(options.crf), "-movflags", "+faststart"]
    writer = imageio_ffmpeg.write_frames(path, (w, h), pix_fmt_in="rgb24", pix_fmt_out=pix_fmt, fps=options.fps,
                                         codec=codec, quality=None, macro_block_size=1, ffmpeg_log_level="error",
                                         output_params=params)
    writer.send(None)
    return writer


def check_video_options(path: str | Path, options: ExportOptions) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ViewerError(f"{path}: unsupported video type '{suffix or '(none)'}'; use {', '.join(VIDEO_SUFFIXES)}")
    w, h = options.size
    if suffix == ".mp4" and (w % 2 or h % 2):
        raise ViewerError(f"bad size {w}x{h}: MP4 (H.264, yuv420p) needs an even width and height")
    if not (options.fps > 0 and options.speed > 0 and options.loops >= 1):
        raise ViewerError("fps and speed must be positive and loops at least 1")
    if not math.isfinite(options.orbit):
        raise ViewerError("orbit must be a number of degrees")


def export_video(kin, colouring, path: str | Path, options: ExportOptions = ExportOptions(),
                 progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> int:
    """Write an MP4 or GIF of the scenario; returns the number of frames written.

    progress(done, total) after every frame; cancel() → True stops the export and removes
    the partial file (ExportCancelled). Ctrl-C does the same.
    """
    check_video_options(path, options)
    times, direction = playback(kin.scenario.duration, options, kin.scenario.loop)
    total = times.size
    stage = Stage(kin, colouring, options)

    def write(tmp: str) -> None:
        writer = _encoder(tmp, options)
        try:
            for start in range(0, total, BATCH):
                chunk = slice(start, min(start + BATCH, total))
                frames = kin.sample(times[chunk])
                colours = stage.scene.paint(*colouring.paint(frames, direction[chunk]))
                for i in range(len(frames)):
                    k = start + i
                    orbit = options.orbit * k / total if options.orbit else 0.0
                    stage.show(frames, i, colours[i], orbit)
                    writer.send(stage.pixels())
                    if progress:
                        progress(k + 1, total)
                    if cancel and cancel():
                        raise ExportCancelled()
        except BaseException:
            _abandon(writer)
            raise
        writer.close()  # waits for ffmpeg to finish the file

    try:
        atomic_write(path, write)
    finally:
        stage.close()
    return total


def _abandon(writer) -> None:
    """Stop ffmpeg without finishing the file (it is deleted by atomic_write)."""
    try:
        writer.close()
    except BaseException:  # a broken pipe while stopping is expected
        pass


def render_still(kin, colouring, t: float, options: ExportOptions = ExportOptions(anti_aliasing="msaa")) -> np.ndarray:
    """The scenario at time t as an image array (h, w, 3|4), top row first."""
    if not 0.0 <= t <= kin.scenario.duration:
        raise ViewerError(f"time {t:g} s is outside the scenario (0…{kin.scenario.duration:g} s)")
    stage = Stage(kin, colouring, options)
    try:
        frames = kin.sample([t])
        stage.show(frames, 0, stage.scene.paint(*colouring.paint(frames))[0])
        return stage.image()
    finally:
        stage.close()


STILL = ExportOptions(anti_aliasing="msaa")


def save_still(kin, colouring, t: float, path: str | Path, options: ExportOptions = STILL) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in STILL_SUFFIXES:
        raise ViewerError(f"{path}: unsupported image type '{suffix or '(none)'}'; use {', '.join(STILL_SUFFIXES)}")
    image = render_still(kin, colouring, t, options)
    import imageio.v3 as iio

    atomic_write(path, lambda tmp: iio.imwrite(tmp, image, extension=".png"))
