def double(x):
    return 2 * x


def total(values):
    import time

    time.sleep(60)
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
