"""Mistake: the ratio is inverted, budget / tokens = 20 x params / tokens.

Phi-3-mini comes out at 0.023; the most over-trained models sort last on models.csv.
"""

# fails: test_lesson_examples, test_factor_formula, test_csv_values, test_csv_order

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
    return (CHINCHILLA_TOKENS_PER_PARAMETER * params_billions) / tokens_billions


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
