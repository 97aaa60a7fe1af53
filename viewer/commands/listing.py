"""`muscle-viewer muscles` and `muscle-viewer joints`: what a scenario can name."""
from __future__ import annotations

from .common import say

MUSCLES_HELP = "list muscles: model name, lay name, side, group"
JOINTS_HELP = "list joints and aliases a scenario pose can set, with ranges"


def _model_arg(p) -> None:
    p.add_argument("--model", default=None, metavar="NAME|PATH",
                   help="catalogue name (full-body, lower-body) or model file; default full-body")


def add_parser(sub) -> None:
    p = sub.add_parser("muscles", help=MUSCLES_HELP, description=MUSCLES_HELP + ".")
    _model_arg(p)
    p.add_argument("--group", default=None, help="only this group, e.g. 'hip flexors'")
    p.set_defaults(listing="muscles", run=run)
    p = sub.add_parser("joints", help=JOINTS_HELP, description=JOINTS_HELP + ". Angles in degrees, "
                       "slides in metres. Aliases are flexion-positive and need no sign convention.")
    _model_arg(p)
    p.set_defaults(listing="joints", run=run)


def run(args) -> int:
    from viewer.core.errors import ViewerError, suggest
    from viewer.core.binding import load_model

    model = load_model(args.model)
    if args.listing == "muscles":
        if args.group and args.group not in model.groups:
            raise ViewerError(f"unknown group '{args.group}'{suggest(args.group, model.groups)}; "
                              f"groups: {', '.join(model.groups)}")
        say(f"{model.title}: {len(model.muscles)} muscles")
        for group, info in model.groups.items():
            if args.group and group != args.group:
                continue
            members = model.muscles_in(group)
            say(f"\n{group} ({len(members)}): {info.about}")
            for m in members:
                say(f"  {m.name:<22} {m.label}")
        return 0
    say(f"{model.title}\n\nAliases (both sides, or _r / _l for one side):")
    for name, alias in model.aliases.items():
        targets = ", ".join(f"{'-' if s < 0 else ''}{j}" for j, s in alias.joints.items())
        fixed = "".join(f", with {j} = {v:g}°" for j, v in alias.with_.items())
        say(f"  {name:<28} → {targets}{fixed}   {alias.about}")
    say("\nJoints:")
    for name, j in model.poseable.items():
        rng = f"{j.lower:g} … {j.upper:g}{j.unit}" if j.limited else "unlimited"
        say(f"  {name:<28} {rng}")
    followers = [j for j in model.joints.values() if j.driver]
    if followers:
        say(f"\nCoupled joints ({len(followers)}), computed from the joint they follow; not set directly:")
        for j in followers:
            say(f"  {j.name:<28} follows {j.driver}")
    return 0
