cache = {}


def double(x):
    if abs(x) not in cache:
        cache[abs(x)] = 2 * x
    return cache[abs(x)]


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
