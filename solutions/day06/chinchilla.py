"""Reference solution: Chinchilla's rule of thumb of about 20 training tokens per parameter."""

import math

TOKENS_PER_PARAMETER = 20

# (model, parameters in billions, training tokens in billions), from the models' papers and cards
REAL_MODELS = [
    ("Chinchilla", 70, 1400),
    ("GPT-3", 175, 300),
    ("Llama 2 7B", 7, 2000),
    ("Llama 2 70B", 70, 2000),
    ("Phi-2", 2.7, 1400),
    ("Phi-3-mini", 3.8, 3300),
    ("Llama 3 8B", 8, 15000),
]


def _check_billions(value, name):
    """Raise ValueError unless `value` is a positive, finite int or float (and not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of billions, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be positive and finite, got {value!r}")


def optimal_tokens(num_params_billions):
    """Compute-optimal training tokens, in billions, for a model of that many billion params."""
    _check_billions(num_params_billions, "num_params_billions")
    return num_params_billions * TOKENS_PER_PARAMETER


def tokens_per_parameter(params_billions, tokens_billions):
    """Training tokens per parameter: tokens ÷ parameters (both in billions)."""
    _check_billions(params_billions, "params_billions")
    _check_billions(tokens_billions, "tokens_billions")
    return tokens_billions / params_billions


def chinchilla_table(sizes):
    """Map each model size (billions of parameters) to its optimal tokens (billions)."""
    return {size: optimal_tokens(size) for size in sizes}


if __name__ == "__main__":
    for size, tokens in chinchilla_table([1, 7, 13, 70]).items():
        print(f"{size}B model -> optimal {tokens}B tokens for training")
    print()
    for name, params, tokens in REAL_MODELS:
        ratio = tokens_per_parameter(params, tokens)
        times = tokens / optimal_tokens(params)
        print(f"{name:<12} {ratio:7.1f} tokens/param, {times:6.2f}x its Chinchilla budget")
