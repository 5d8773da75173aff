def double(x):
    raise ValueError("\ud800 half a character")


def total(values):
    raise ValueError("\udfff")


def greet(name):
    print("\ud83d")
    raise ValueError("\ud83d\x00")
