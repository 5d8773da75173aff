import re


def double(x):
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    re.match(r"(a+)+$", "a" * 64 + "!")
    return f"Hello, {name}!"
