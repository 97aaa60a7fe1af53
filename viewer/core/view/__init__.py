"""The live view state and the words shown about a motion: ViewState and its frozen View
(viewstate), the playback clock (playback), the top movers of a phase (movers), caption text
(captions) and, once helper `page` lands it, the rules of what a picture holds (drawing). Plain data that the scenario format stores and every output reads; it may import
only core.base.
"""
