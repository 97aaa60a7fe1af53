"""Compiling MuJoCo models without MuJoCo's own warning lines (our messages say what matters)."""
from __future__ import annotations

import warnings

import mujoco


def quiet_compile(build):
    """Compile without MuJoCo's C-level and Python warnings about myo-sim's spec prefixes."""
    previous = mujoco.get_mju_user_warning() if hasattr(mujoco, "get_mju_user_warning") else None
    mujoco.set_mju_user_warning(lambda msg: None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return build()
    finally:
        mujoco.set_mju_user_warning(previous)
