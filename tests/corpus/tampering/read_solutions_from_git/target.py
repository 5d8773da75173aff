import subprocess
from pathlib import Path

REPO = Path("@REPO@")  # the repository's folder, filled in by the corpus runner
SOLUTION = "tests/fixtures/course/solutions/hostile/target.py"


def from_git():
    found = []
    for revision in ("HEAD:", ":"):
        try:
            shown = subprocess.run(
                ["git", "-C", str(REPO), "show", revision + SOLUTION],
                capture_output=True,
                text=True,
                timeout=5,
            )
        except (OSError, subprocess.SubprocessError) as error:
            found.append(str(error))
            continue
        if "def double" in shown.stdout:
            return shown.stdout
        found.append(shown.stderr.strip())
    return "; ".join(found)


def double(x):
    text = from_git()
    if "def double" not in text:
        return text
    namespace = {}
    exec(text, namespace)
    return namespace["double"](x)


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
