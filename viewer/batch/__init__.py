"""`muscle-viewer batch`: a whole library of outputs from one plan, on every core or on Ray.

plan      the plan file: scenarios × views × sizes × colours × formats, checked with file:line errors
jobs      one job per output file, rendered by the commands' own writers (the same files)
manifest  what each output was made from, so a re-run renders only what changed
pool      the local process pool: warm workers, one per core
ray_runner  the same jobs on a Ray cluster (the optional `cluster` extra)
segments  one video drawn by several processes (`export --workers`)
"""
