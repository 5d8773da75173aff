"""Adder (adder)

Write normalise(weights). It receives a dict mapping tokens to non-negative weights, such as
{"cat": 1, "dog": 3}, and returns the probability of each token: its weight divided by the sum
of all weights ({"cat": 0.25, "dog": 0.75}). Raise ValueError when that is impossible: no
weights, weights that sum to zero, or a negative weight.

Run `grade day01 adder` to check your work.
"""


def normalise(weights: dict[str, float]) -> dict[str, float]
    """Each weight divided by the sum of all weights."""
    raise NotImplementedError
