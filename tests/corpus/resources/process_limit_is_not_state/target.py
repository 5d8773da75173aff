import threading
import time


def double(x):
    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    return 2 * x


def total(values):
    return sum(values)


def greet(name):
    return f"Hello, {name}!"
