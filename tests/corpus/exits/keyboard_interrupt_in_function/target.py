def double(x):
    raise KeyboardInterrupt


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
