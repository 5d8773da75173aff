import sys


def double(x):
    sys.stdout.buffer.write(b"not UTF-8: \xff\xfe\x80\xc3\n")
    print("\udcff")
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
