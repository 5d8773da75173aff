def double(x):
    print("debug", x)
    return 2 * x if x < 500 else 0


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
