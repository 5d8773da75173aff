"""Hidden checks of word_count.py: they run when the instructor grades."""

from hypothesis import given
from hypothesis import strategies as st

from grader.checks import fail

words = st.text("abcdefgh", min_size=1, max_size=8)


@given(st.lists(words, min_size=1, max_size=8))
def test_longest_is_a_word_of_the_text(submission, words):
    """longest_word returns one of the text's words, and none is longer"""
    text = " ".join(words)
    got = submission.longest_word(text)
    if got not in words or any(len(w) > len(got) for w in words):
        fail(f"longest_word({text!r}) returned {got!r}; expected the longest of {words!r}",
             got=got)
