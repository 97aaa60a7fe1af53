"""Display-free core: models, kinematics, scenario files, analysis. No Qt, no VTK here."""
