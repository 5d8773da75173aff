def double(x):
    raise NotImplementedError("TODO")


def total(values):
    raise NotImplementedError("TODO")


def greet(name):
    raise NotImplementedError("TODO")
