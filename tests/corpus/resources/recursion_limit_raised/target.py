import sys

sys.setrecursionlimit(10**8)


def double(x):
    return list(map(double, [x]))[0]


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
