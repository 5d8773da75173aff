"""Grüße, café: the file has characters outside ASCII."""


def double(x):
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
