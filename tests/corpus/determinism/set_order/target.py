def double(x):
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return " ".join({"Hello,", name, "and", "welcome!"})
