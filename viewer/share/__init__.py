"""The take-home page: one offline HTML file that plays a scenario (issue 15).

No Qt and no VTK here: the page is built from core data (frames, colours) and the numpy-only
helpers of viewer.core.shape.tubes / viewer.render.camera, then played in the browser by three.js.
"""
