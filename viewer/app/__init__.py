"""The PySide6 desktop app. It holds no geometry logic: it shows core Sessions through the render Scene."""
