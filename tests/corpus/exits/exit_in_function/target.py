def double(x):
    exit()


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
