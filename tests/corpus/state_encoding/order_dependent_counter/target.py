calls = 0


def double(x):
    global calls
    calls += 1
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    if calls:
        return f"Hello again, {name}!"
    return f"Hello, {name}!"
