"""Adder (adder): the model solution."""


def normalise(weights: dict[str, float]) -> dict[str, float]:
    """Each weight divided by the sum of all weights."""
    if any(w < 0 for w in weights.values()):
        raise ValueError("a weight is negative")
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("there is nothing to normalise")
    return {token: w / total for token, w in weights.items()}
