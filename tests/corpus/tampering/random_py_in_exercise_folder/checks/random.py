"""A file named like the standard library's random module."""

raise SystemExit("the student's random.py was imported")
