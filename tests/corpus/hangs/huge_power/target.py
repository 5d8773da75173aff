def double(x):
    return 2 * x


def total(values):
    big = 3 ** (10**8) % 7
    return sum(values) + big * 0


def greet(name):
    return f"Hello, {name}!"
