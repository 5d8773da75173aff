"""A file named like hypothesis: if it were imported, every property would pass unrun."""


def given(*args, **kwargs):
    def wrap(test):
        def run(*a, **k):
            return None

        return run

    return wrap


class strategies:
    @staticmethod
    def integers(*args, **kwargs):
        return None
