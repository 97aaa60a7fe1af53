"""Poses over time: a scenario bound to a model, sampled into frames of bone transforms, muscle
paths and lengths (kinematics, frames), solved contacts (contacts), the stance checks (stance),
pose editing (pose_edit) and motion files from a lab (motfile, labdata, gait). It may import
core.shape, core.scenario, core.view and core.base; a model comes in as an argument, so it never
imports core.model.
"""
