import time


def double(x):
    time.sleep(0.4)
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
