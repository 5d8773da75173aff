"""Wrong: Divides by 20 instead of multiplying: parameters per token."""

# fails: test_lesson, test_fractional, test_ratio_is_20, test_table

import math


def _check_billions(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"not a number of billions: {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"not a positive, finite size: {value!r}")


def optimal_tokens(num_params_billions):
    _check_billions(num_params_billions)
    return num_params_billions / 20


def tokens_per_parameter(params_billions, tokens_billions):
    _check_billions(params_billions)
    _check_billions(tokens_billions)
    return tokens_billions / params_billions


def chinchilla_table(sizes):
    return {size: optimal_tokens(size) for size in sizes}
