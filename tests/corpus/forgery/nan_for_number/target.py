def double(x):
    return float("nan")


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
