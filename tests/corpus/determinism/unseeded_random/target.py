import random


def double(x):
    return 2 * x + random.randint(1, 10**9)


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
