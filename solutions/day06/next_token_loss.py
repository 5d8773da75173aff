"""Reference solution: the next-token prediction loss, in nats, and perplexity."""

import math


def cross_entropy(predicted, target):
    """-ln p(target) in nats; math.inf when the target has probability 0 or is missing."""
    probability = predicted.get(target, 0.0)
    if probability <= 0:
        return math.inf
    return -math.log(probability)


def next_token_prediction_loss(model, text_tokens):
    """Mean cross-entropy of predicting text_tokens[i] from text_tokens[:i], for i = 1..n-1."""
    if len(text_tokens) < 2:
        raise ValueError("need at least two tokens: one to read and one to predict")
    total_loss = 0.0
    for i in range(1, len(text_tokens)):
        context = list(text_tokens[:i])
        target = text_tokens[i]
        total_loss += cross_entropy(model(context), target)
    return total_loss / (len(text_tokens) - 1)


def perplexity(loss):
    """exp(loss) for a loss in nats; math.inf when that is too large for a float."""
    try:
        return math.exp(loss)
    except OverflowError:
        return math.inf


if __name__ == "__main__":
    vocabulary = ["The", "weather", "today", "is", "really", "nice"]
    sentence = ["The", "weather", "today", "is", "really", "nice"]

    def uniform_model(context):
        return {token: 1 / len(vocabulary) for token in vocabulary}

    def confident_model(context):
        following = sentence[len(context)] if len(context) < len(sentence) else "nice"
        rest = [token for token in vocabulary if token != following]
        return {following: 0.9} | {token: 0.1 / len(rest) for token in rest}

    for name, model in [("uniform", uniform_model), ("confident", confident_model)]:
        loss = next_token_prediction_loss(model, sentence)
        print(f"{name:>9} model: loss {loss:.3f} nats, perplexity {perplexity(loss):.2f}")
    print(f"a uniform guess over Llama 2's 32,000 tokens: {math.log(32000):.2f} nats")
