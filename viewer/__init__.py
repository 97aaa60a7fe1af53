"""muscle-viewer: see which muscles shorten and which are stretched during an exercise."""

__version__ = "0.1.0"
