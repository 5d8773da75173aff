import numpy as np


def double(x):
    if isinstance(x, int):
        return np.int64(2 * x)
    return np.float64(2 * x)


def total(values):
    return np.float64(np.sum(values))


def greet(name):
    return f"Hello, {name}!"
