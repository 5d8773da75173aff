import ctypes


def double(x):
    ctypes.string_at(0)
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
