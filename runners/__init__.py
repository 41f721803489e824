"""Runner presets: turn "where to run" into Beam options. No pipeline logic here."""
