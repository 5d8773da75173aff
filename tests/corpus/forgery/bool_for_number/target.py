def double(x):
    return 2 * x if x else False


def total(values):
    return sum(values) if values else False


def greet(name):
    return f"Hello, {name}!"
