def double(x):
    if x > 500:
        return 2 * x + 1
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
