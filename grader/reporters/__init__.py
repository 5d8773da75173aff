"""Renderings of a grading run: each reads the results model, none changes it."""
