"""Day 6: the loss behind pre-training, next-token prediction.

The lesson's claim is that pre-training an LLM is only next-token prediction: the model reads the
tokens so far (the context) and gives a probability to every token of its vocabulary. The loss at
one position is the cross-entropy of that prediction: -ln p(the token that really came next).
Pre-training minimises the mean of that loss over every position of trillions of tokens.

You implement the lesson's `next_token_prediction_loss` and the two functions around it:

    cross_entropy(predicted, target)               -ln p(target), in nats
    next_token_prediction_loss(model, text_tokens) the mean of it over the positions of a text
    perplexity(loss)                               exp(loss)

Facts to keep straight:

- Use the natural logarithm (`math.log`), so the loss is in nats. PyTorch's
  `torch.nn.functional.cross_entropy` uses the natural log too, and by default
  (`reduction='mean'`) it averages over the positions rather than adding them up.
- A model that spreads its probability evenly over V tokens has a loss of exactly ln V at every
  position, whatever the text: ln 32,000 = 10.37 nats for Llama 2's 32,000-token vocabulary,
  ln 128,000 = 11.76 nats for Llama 3's. A trained model must beat that.
- A model that gives the right token probability 1 has a loss of 0. A model that gives it
  probability 0 has an infinite loss: it was certain of something false.
- Perplexity is "the exponentiated average negative log-likelihood of a sequence" (Hugging Face
  Transformers docs, "Perplexity of fixed-length models"): exp(loss) when the loss is in nats
  (2 ** loss only if the loss were in bits). The uniform model's perplexity is V itself: the
  model is as unsure as a fair choice among V tokens. Perplexity depends on the tokenizer, so two
  models with different vocabularies cannot be ranked by perplexity alone.

A model here is any function that takes the context, a list of the tokens so far, and returns a
dict mapping tokens to probabilities. For example, a model that knows nothing:

    def uniform_model(context):
        return {"nice": 0.5, "cold": 0.5}

Run this file (`python next_token_loss.py`) to try your functions, and `grade day06
next_token_loss` to check them.
"""

import math


def cross_entropy(predicted, target):
    """The loss of one prediction: -ln p(target), in nats.

    Args:
        predicted: dict mapping each token to the probability the model gives it, e.g.
            {"nice": 0.5, "cold": 0.25, "warm": 0.25}.
        target: the token that really came next, e.g. "nice".

    Returns:
        -math.log(predicted[target]) as a float (0.693... for the example above).
        If the target has probability 0, or is not in `predicted` at all, return math.inf
        (an infinite loss, not an exception).
    """
    raise NotImplementedError("TODO: return -ln p(target), or math.inf when p(target) is 0")


def next_token_prediction_loss(model, text_tokens):
    """The pre-training loss of `model` on a text: the mean cross-entropy per position.

    Args:
        model: a function; model(context) takes a list of tokens (the context) and returns a
            dict mapping tokens to probabilities, the model's guess for the next token.
        text_tokens: a list of tokens, e.g. ["The", "weather", "today", "is", "really", "nice"].

    Returns:
        For each position i = 1, 2, ..., n - 1 (n = len(text_tokens)) the model reads the
        context text_tokens[:i] and must predict the target text_tokens[i]; return the mean of
        cross_entropy(model(context), target) over those n - 1 positions, in nats. The first
        token has no context, so it is never a target.

    Raises:
        ValueError: if text_tokens has fewer than two tokens (there is nothing to predict).
    """
    raise NotImplementedError("TODO: average cross_entropy(model(tokens[:i]), tokens[i])")


def perplexity(loss):
    """Perplexity from a mean loss in nats: exp(loss).

    Args:
        loss: a mean cross-entropy in nats (what next_token_prediction_loss returns).

    Returns:
        math.exp(loss) as a float; perplexity(0) is 1.0. For math.inf, and for a finite loss
        so large that exp() overflows (math.exp(1000) raises OverflowError), return math.inf.
    """
    raise NotImplementedError("TODO: return exp(loss), or math.inf when that overflows")


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
    # The uniform model should show ln 6 = 1.792 nats and perplexity 6.00.
    print(f"a uniform guess over Llama 2's 32,000 tokens: {math.log(32000):.2f} nats")
