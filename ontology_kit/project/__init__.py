"""Project definitions and workspaces: models and loading."""
