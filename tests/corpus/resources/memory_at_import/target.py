table = [0] * (10**9)


def double(x):
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
