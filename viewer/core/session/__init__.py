"""What the app and the commands open, edit and draw from: a loaded Session, the FrameFeed
render draws (feed) with its overlay values (overlay_values), lab recordings opened like scenarios (lab), a model file previewed (preview,
pose_preview), the editor's rules (scenario_edit), saving the view into a scenario (view_file)
and the new-exercise wizard (wizard). The top of core: it may import every other sub-package,
and nothing in core imports it.
"""
