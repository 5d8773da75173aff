import atexit
import os
import sys

atexit.register(os._exit, 3)
atexit.register(sys.exit, 4)


def double(x):
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
