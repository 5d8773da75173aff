import random


def double(x):
    return 2 * x + random.choice([0])


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
