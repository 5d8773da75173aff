"""Day 6: how many tokens should a model be trained on? The Chinchilla rule of thumb.

Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models" (arXiv:2203.15556), trained
over 400 models to ask: for a fixed training compute budget, how large should the model be, and
on how many tokens should it be trained? Their answer: scale both equally, "for every doubling of
model size the number of training tokens should also be doubled". They tested it with Chinchilla,
a 70B-parameter model trained on 1.4 trillion tokens: the same compute budget as Gopher (280B
parameters, 300B tokens), spent on a quarter of the parameters and about 4x more data.

The lesson turns this into a rule: optimal tokens ~ 20 x parameters. Keep in mind what it is:

- A rule of thumb, not a law stated in the paper. It comes from Chinchilla's own ratio
  (1.4T / 70B = 20 tokens per parameter) and the paper's Table 3 projections (1B parameters ->
  20.2B tokens, 10B -> 205.1B): roughly 20 to 22 tokens per parameter throughout. The paper's
  headline finding is the equal scaling; its third fitting method (Approach 3) even implies
  more than 20 tokens per parameter, more as compute grows.
- "Compute-optimal" means the best loss for a fixed training compute budget. It does not mean
  the best model of a given size, nor the cheapest one to run, and recent models go far past
  it on purpose: Llama 3 8B was trained on over 15T tokens, about 94x 20 x 8B = 160B.
- The lesson's table has an "Example Model" column that is wrong. 20 x 7B = 140B tokens is the
  Chinchilla-optimal budget for a 7B model, but Llama 2 7B was trained on 2.0T tokens (Meta's
  model card), about 286 tokens per parameter, 14x that budget; Llama 2 13B and 70B also saw
  2.0T. "Phi-2 class" is no 1B model on 20B tokens either: Phi-2 has 2.7B parameters and was
  trained on 1.4T tokens.

You implement three functions. Every size is in billions: optimal_tokens(3) is 60, meaning 60B
tokens (6 x 10^10) for a 3B-parameter model.

    optimal_tokens(num_params_billions)                     20 x parameters, in billions of tokens
    tokens_per_parameter(params_billions, tokens_billions)  tokens / parameters
    chinchilla_table(sizes)                                 {size: optimal_tokens(size), ...}

Each function raises ValueError for an input that is not a model size: zero, a negative
number, NaN, an infinity, or a bool. Two traps: isinstance(True, int) is True in Python, so
reject bools first; and NaN fails every comparison (nan <= 0 is False), so test it with
math.isfinite, which is False for NaN and for both infinities.

Run this file (`python chinchilla.py`) to print the lesson's table and compare it with real
models, and `grade day06 chinchilla` to check your functions.
"""

import math  # noqa: F401 - math.isfinite is useful here

TOKENS_PER_PARAMETER = 20

# (model, parameters in billions, training tokens in billions), from the models' papers and cards
REAL_MODELS = [
    ("Chinchilla", 70, 1400),  # Hoffmann et al. 2022
    ("GPT-3", 175, 300),  # Chinchilla paper, Table 1
    ("Llama 2 7B", 7, 2000),  # Meta's Llama 2 model card
    ("Llama 2 70B", 70, 2000),  # same card
    ("Phi-2", 2.7, 1400),  # Hugging Face card microsoft/phi-2
    ("Phi-3-mini", 3.8, 3300),  # Phi-3 technical report, arXiv:2404.14219
    ("Llama 3 8B", 8, 15000),  # Meta's Llama 3 model card: "15T+"
]


def optimal_tokens(num_params_billions):
    """The Chinchilla-optimal number of training tokens for a model of a given size.

    Args:
        num_params_billions: the model's parameters in billions (int or float), e.g. 7 for a
            7B model, 3.8 for Phi-3-mini.

    Returns:
        20 x num_params_billions: the tokens in billions (not in tokens). optimal_tokens(3) is
        60 (60B tokens), optimal_tokens(70) is 1400 (1.4T tokens, Chinchilla's own budget).

    Raises:
        ValueError: if num_params_billions is zero, negative, NaN, infinite, a bool, or not a
            number at all.
    """
    raise NotImplementedError("TODO: return 20 x num_params_billions, after checking it")


def tokens_per_parameter(params_billions, tokens_billions):
    """How many training tokens a model saw per parameter.

    Args:
        params_billions: the model's parameters, in billions (e.g. 70 for Chinchilla).
        tokens_billions: its training tokens, in billions (e.g. 1400 for 1.4T tokens).

    Returns:
        tokens_billions / params_billions: 20.0 for Chinchilla (1400 / 70), about 286 for
        Llama 2 7B (2000 / 7).

    Raises:
        ValueError: if either argument is zero, negative, NaN, infinite, a bool, or not a
            number at all.
    """
    raise NotImplementedError("TODO: return tokens / parameters, after checking both")


def chinchilla_table(sizes):
    """The lesson's table: optimal training tokens for several model sizes.

    Args:
        sizes: a list of model sizes in billions of parameters, e.g. [1, 7, 13, 70].

    Returns:
        A dict mapping each size (the number itself, as given) to optimal_tokens(size):
        chinchilla_table([1, 7, 13, 70]) == {1: 20, 7: 140, 13: 260, 70: 1400}.

    Raises:
        ValueError: if any size is not a valid model size (see optimal_tokens).
    """
    raise NotImplementedError("TODO: return {size: optimal_tokens(size) for each size}")


if __name__ == "__main__":
    for size, tokens in chinchilla_table([1, 7, 13, 70]).items():
        print(f"{size}B model -> optimal {tokens}B tokens for training")
    print()
    for name, params, tokens in REAL_MODELS:
        ratio = tokens_per_parameter(params, tokens)
        times = tokens / optimal_tokens(params)
        print(f"{name:<12} {ratio:7.1f} tokens/param, {times:6.2f}x its Chinchilla budget")
