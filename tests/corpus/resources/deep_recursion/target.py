def double(x):
    return double(x) + 0


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
