"""muscle-viewer: see which muscles shorten and which are stretched during an exercise."""

import time as _time

__version__ = "0.1.0"
STARTED = _time.perf_counter()  # process start, near enough: the app reports time to first frame
