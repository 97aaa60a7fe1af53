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
    p.add_argument("--json", action="store_true",
                   help="one JSON list: name, lay name, side, group and the shape parameters "
                        "(optimal fibre and tendon slack length in m, PCSA in cm², volume in cm³)")
    p.set_defaults(listing="muscles", run=run)
    p = sub.add_parser("joints", help=JOINTS_HELP, description=JOINTS_HELP + ". Angles in degrees, "
                       "slides in metres. Aliases are flexion-positive and need no sign convention.")
    _model_arg(p)
    p.set_defaults(listing="joints", run=run)


def run(args) -> int:
    from viewer.core.base.errors import ViewerError, suggest
    from viewer.core.model.binding import load_model

    model = load_model(args.model)
    if args.listing == "muscles":
        if args.group and args.group not in model.groups:
            raise ViewerError(f"unknown group '{args.group}'{suggest(args.group, model.groups)}; "
                              f"groups: {', '.join(model.groups)}")
        if args.json:
            say(_muscles_json(model, args.group))
            return 0
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


def _muscles_json(model, group: str | None) -> str:
    import json

    shapes = model.shapes
    rows = [{"name": m.name, "lay_name": m.lay_name, "side": m.side, "group": m.group,
             "optimal_fibre_length_m": round(float(shapes.optimal_fibre_length[m.index]), 6),
             "tendon_slack_length_m": round(float(shapes.tendon_slack_length[m.index]), 6),
             "max_force_n": round(float(shapes.max_force[m.index]), 3),
             "pcsa_cm2": round(float(shapes.pcsa[m.index]) * 1e4, 4),
             "volume_cm3": round(float(shapes.volume[m.index]) * 1e6, 4),
             "drawn_volume_cm3": round(float(shapes.drawn_volume[m.index]) * 1e6, 4),
             # where the belly is drawn (catalogue, from anatomy): tendon share at the origin end,
             # belly share drawn back past the model's origin point
             "origin_tendon_share": round(float(shapes.origin_tendon[m.index]), 4),
             "belly_reach_share": round(float(shapes.belly_reach[m.index]), 4),
             "parameters": shapes.source[m.index] + (", L0 longer than the muscle at rest: drawn capped"
                                                     if shapes.capped[m.index] else "")}
            for m in model.muscles if group is None or m.group == group]
    return json.dumps(rows, ensure_ascii=False, indent=1)
