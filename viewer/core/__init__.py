"""Display-free core: no Qt, no VTK here. Its sub-packages, each importing only those below it
(the import-linter layers contract in pyproject.toml):

session   what the app and the commands open, edit and draw from (Session, FrameFeed, lab, editor rules)
analysis  what the lengths mean (rates, changes, rankings, colour, caption and plausibility checks)
model     loading models of every kind and binding a scenario to its model
motion    poses over time: kinematics, frames, contacts, stance, motion files
shape     muscle shapes: belly, tendon and sheet geometry
scenario  the scenario file format: read, check, write, template, props, contact rules
view      the live view state, the playback clock, movers and captions
base      errors, limits, files, paths and the other ground every part stands on
"""
