"""The scenario file format, version 1 (DESIGN §5): what a scenario is (format), reading it
with file:line problems (read), checking it against a model (check), writing it (write, text:
the comment-keeping save), the starter template (template) and the props and contacts a scenario
places (props, contact_rules). It may import core.view and core.base, never a model loader or
the kinematics: a model comes in as an argument.
"""
