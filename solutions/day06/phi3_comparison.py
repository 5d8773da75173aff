"""Day 6, exercise 2: the Chinchilla budget against what real models were trained on.

The lesson asks: "According to the Chinchilla law, calculate the optimal number of training
tokens for a 3B parameter model, and research how many tokens Phi-3 (3.8B) was actually trained
on." This file answers it, then puts Phi-3 beside other well-documented models.

The budget. Hoffmann et al. 2022 ("Chinchilla", arXiv 2203.15556) trained a "more
compute-optimal 70B model, called Chinchilla, on 1.4 trillion tokens": 20 tokens per parameter.
The paper's headline finding is that model size and training tokens "should be scaled equally";
"about 20 tokens per parameter" is the rule of thumb read off Chinchilla's own ratio and the
paper's Table 3 (1B parameters -> 20.2B tokens, 10B -> 205.1B). By that rule a 3B model's
compute-optimal budget is 20 x 3B = 60B tokens.

What Phi-3 did. The Phi-3 technical report (arXiv 2404.14219, abstract) describes "phi-3-mini,
a 3.8 billion parameter language model trained on 3.3 trillion tokens". That is 55 times the 3B
budget, and about 43 times Phi-3-mini's own budget of 20 x 3.8B = 76B tokens. The later June-2024
release of Phi-3-mini-4k-instruct says 4.9T tokens on its model card (about 64 times). Phi-3 says
why it ignores the budget (arXiv 2404.14219, section 2, "Data Optimal Regime"): "Unlike prior
works that train language models in either 'compute optimal regime' [HBM+22] or 'over-train
regime', we mainly focus on the quality of data for a given scale. ... We try to calibrate the
training data to be closer to the 'data optimal' regime for small models."

"Compute-optimal" means the best loss for a fixed amount of training compute; it is not the best
model of a given size, nor the cheapest to run. Sardana et al. 2024 ("Beyond Chinchilla-Optimal",
ICML 2024) conclude that anyone expecting large inference demand "should train models smaller
and longer than Chinchilla-optimal". Two corrections to the lesson's table, from Meta's model
cards: 140B tokens is the Chinchilla budget for a 7B model, but Llama 2 7B was trained on 2.0T
tokens (about 14 times that budget); and Llama 3 8B's "15T+" tokens are about 94 times its 160B
budget (the lesson rounds this to "roughly 100 times").

The data. `data/models.csv` (beside this file) has the columns name, params_billions,
tokens_billions and source: parameters and training tokens, both in billions (3.3T tokens is
written 3300), and where the figures come from. Llama 3's "15T+" is written 15000 and
TinyLlama's "around 1 trillion tokens for approximately 3 epochs" 3000. Gemma 2B and 7B use their
exact total parameter counts (2.51B and 8.54B, arXiv 2403.08295 Table 2). Models whose token
counts are not disclosed (Mistral 7B) or not given per size (Qwen2.5) are left out.

You implement:

    overtraining_factor(params_billions, tokens_billions)   tokens / (20 x params)
    compare_models(models)                                   every model's ratios, most
                                                             over-trained first

`load_models()` is written for you: it reads the CSV into the rows `compare_models` takes. Run
this file (`python phi3_comparison.py`) to see the table, and `grade day06 phi3_comparison` to
check your work.
"""

import csv
import math
from pathlib import Path

CHINCHILLA_TOKENS_PER_PARAMETER = 20
MODELS_CSV = Path(__file__).resolve().parent / "data" / "models.csv"


def overtraining_factor(params_billions, tokens_billions):
    """How many times the Chinchilla budget of 20 tokens per parameter a model was trained on.

    Args:
        params_billions: the model's parameters, in billions (an int or a float; 3.8 for
            Phi-3-mini).
        tokens_billions: the tokens it was trained on, in billions (3300 for 3.3T tokens).

    Returns:
        tokens_billions / (20 * params_billions), a float. Phi-3-mini (3.8, 3300) gives
        3300 / 76 = 43.42...; Llama 3 8B (8, 15000) gives 93.75; Chinchilla (70, 1400) gives 1.0,
        exactly its own budget. Below 1 the model had fewer tokens than the budget (GPT-3:
        0.086).

    Raises:
        ValueError: if either argument is zero, negative, NaN or infinite, or is a bool
            (True is not a parameter count, even though Python lets True + 1 == 2).
    """
    for value in (params_billions, tokens_billions):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number of billions, got {value!r}")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"expected a positive, finite number of billions, got {value!r}")
    return tokens_billions / (CHINCHILLA_TOKENS_PER_PARAMETER * params_billions)


def compare_models(models):
    """Every model's tokens per parameter and overtraining factor, most over-trained first.

    Args:
        models: a list of dicts, one per model, with the keys "name" (str), "params_billions"
            and "tokens_billions" (numbers, in billions) and "source" (str): the rows of
            data/models.csv with the numbers already turned into floats, as load_models()
            returns them. The list may be empty.

    Returns:
        A new list with one new dict per model, each with exactly these five keys:
            "name", "params_billions", "tokens_billions"   copied from the input row
            "tokens_per_parameter"                         tokens_billions / params_billions
            "overtraining_factor"                          overtraining_factor(params, tokens)
        ("source" is not copied). The list is sorted by overtraining_factor, largest first;
        models with the same factor are ordered by name, in the order sorted() gives strings
        ("Llama 2 7B" before "Phi-2"). The input rows are left unchanged.

    Raises:
        ValueError: if a row's numbers are not valid (as overtraining_factor decides).
    """
    compared = []
    for model in models:
        params, tokens = model["params_billions"], model["tokens_billions"]
        factor = overtraining_factor(params, tokens)  # checks the numbers first
        compared.append(
            {
                "name": model["name"],
                "params_billions": params,
                "tokens_billions": tokens,
                "tokens_per_parameter": tokens / params,
                "overtraining_factor": factor,
            }
        )
    return sorted(compared, key=lambda row: (-row["overtraining_factor"], row["name"]))


def load_models(path=MODELS_CSV):
    """The rows of data/models.csv as dicts, with the two numbers converted to float.

    Written for you: compare_models(load_models()) compares every model of the CSV.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            {
                "name": row["name"],
                "params_billions": float(row["params_billions"]),
                "tokens_billions": float(row["tokens_billions"]),
                "source": row["source"],
            }
            for row in csv.DictReader(handle)
        ]


if __name__ == "__main__":
    budget = CHINCHILLA_TOKENS_PER_PARAMETER * 3
    print(f"Chinchilla budget for a 3B model: {budget}B tokens")
    print(f"Phi-3-mini (3.8B, 3.3T tokens): {overtraining_factor(3.8, 3300):.1f}x its budget")
    print()
    print(f"{'model':32} {'params':>8} {'tokens':>8} {'tok/param':>10} {'x budget':>9}")
    for model in compare_models(load_models()):
        print(
            f"{model['name']:32} {model['params_billions']:>7g}B {model['tokens_billions']:>7g}B"
            f" {model['tokens_per_parameter']:>10.1f} {model['overtraining_factor']:>8.2f}x"
        )
