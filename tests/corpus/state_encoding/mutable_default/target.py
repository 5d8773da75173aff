def double(x):
    return 2 * x


def total(values, seen=[]):
    seen.extend(values)
    return sum(seen)


def greet(name):
    return f"Hello, {name}!"
