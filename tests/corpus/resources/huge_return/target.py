def double(x):
    return "x" * 20_000_000


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
