"""Wrong: Turns the size into an int first, so 3.8B counts as 3B and 0.5B as 0."""

# fails: test_fractional, test_linear, test_positive, test_ratio_is_20

import math


def _check_billions(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"not a number of billions: {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"not a positive, finite size: {value!r}")


def optimal_tokens(num_params_billions):
    _check_billions(num_params_billions)
    return int(num_params_billions) * 20


def tokens_per_parameter(params_billions, tokens_billions):
    _check_billions(params_billions)
    _check_billions(tokens_billions)
    return tokens_billions / params_billions


def chinchilla_table(sizes):
    return {size: optimal_tokens(size) for size in sizes}
