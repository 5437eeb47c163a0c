"""The plan model, the pure diffs, and saved plan files."""
