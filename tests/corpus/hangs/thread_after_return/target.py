import threading

started = []


def spin():
    while True:
        pass


def double(x):
    if not started:
        started.append(threading.Thread(target=spin))
        started[0].start()
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
