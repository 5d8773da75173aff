def double(x):
    chunks = []
    while True:
        chunks.append(bytearray(10**6))


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
