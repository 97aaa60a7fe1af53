"""What every part of core stands on: errors that name a file, line and key (errors), the
input limits (limits), safe reading and atomic writing of files (files), where bundled data and
caches live (paths), quiet MuJoCo compiles (quiet), the interrupt flag (interrupt), easing curves
(easing), optional extras (extras), YAML with line numbers (yamlsrc) and the bundled model
catalogue (catalogue). It imports nothing else of viewer: only the standard library, numpy and
yaml.
"""
