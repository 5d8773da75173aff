"""The sandbox boundary's codec: plain data crosses intact, nothing else crosses at all."""

from __future__ import annotations

import math
from collections import OrderedDict
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.sandbox import wire

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
hashable = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.tuples(inner, inner),
    max_leaves=5,
)
plain = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(hashable, inner, max_size=4)
    ),
    max_leaves=20,
)


def same(a: object, b: object) -> bool:
    """Equal with the same types all the way down, NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        assert isinstance(b, float)
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, list | tuple):
        assert isinstance(b, list | tuple)
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


@given(plain)
def test_plain_data_round_trips_with_its_types(value: object) -> None:
    framed = wire.pack({"op": "return", "value": wire.encode(value)})
    message = wire.unpack(framed[wire.HEADER.size:])
    assert same(wire.decode(message["value"]), value)


@given(plain)
def test_frames_carry_their_length(value: object) -> None:
    framed = wire.pack({"op": "x", "value": wire.encode(value)})
    (length,) = wire.HEADER.unpack(framed[: wire.HEADER.size])
    assert length == len(framed) - wire.HEADER.size


class AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True


class Liar(int):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = int.__hash__


@pytest.mark.parametrize(
    "value, type_name",
    [
        (AlwaysEqual(), "AlwaysEqual"),
        (Liar(3), "Liar (a subclass of int)"),
        (Fraction(1, 3), "Fraction"),
        ({1, 2}, "set"),
        (b"bytes", "bytes"),
        (OrderedDict(a=1), "OrderedDict (a subclass of dict)"),
        ([1, [2, AlwaysEqual()]], "AlwaysEqual"),
    ],
)
def test_values_that_are_not_plain_data_are_refused(value: object, type_name: str) -> None:
    with pytest.raises(wire.NotPlainData) as caught:
        wire.encode(value)
    assert caught.value.type_name == type_name


def test_where_names_the_position_inside_the_value() -> None:
    with pytest.raises(wire.NotPlainData) as caught:
        wire.encode({"rows": [1, 2, object()]})
    assert caught.value.where == "['rows'][2]"


def test_a_value_that_contains_itself_is_refused() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(wire.NotPlainData, match="nested more than"):
        wire.encode(loop)


def test_callables_cross_only_when_the_sender_registers_them() -> None:
    def model(context: list[str]) -> dict[str, float]:
        return {}

    with pytest.raises(wire.NotPlainData):
        wire.encode([model])
    registered: list[object] = []
    encoded = wire.encode([model], register_callable=lambda f: registered.append(f) or 0)
    assert encoded == [{"c": 0}] and registered == [model]
    assert wire.decode(encoded, make_callable=lambda n: f"callback {n}") == ["callback 0"]


@pytest.mark.parametrize(
    "data",
    [
        {"x": 1},  # an object that is not a tag
        {"t": 1},  # a tuple tag without a list
        {"d": [[1]]},  # a dict entry that is not a pair
        {"d": [[[1], 2]]},  # an unhashable key
        {"f": "one"},  # an unknown float spelling
        {"c": 0},  # a callable where none may come back
    ],
)
def test_malformed_data_from_the_student_side_is_a_protocol_error(data: object) -> None:
    with pytest.raises(wire.ProtocolError):
        wire.decode(data)


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'{"no_op": 1}', b"[" * 100_000])
def test_malformed_messages_are_protocol_errors(payload: bytes) -> None:
    with pytest.raises(wire.ProtocolError):
        wire.unpack(payload)
