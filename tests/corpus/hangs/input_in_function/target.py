def double(x):
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    name = input("What is your name? ")
    return f"Hello, {name}!"
