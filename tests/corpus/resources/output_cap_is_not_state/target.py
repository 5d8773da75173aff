def double(x):
    print("x" * (9 << 20))
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
