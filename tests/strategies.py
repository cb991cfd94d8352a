"""Hypothesis strategies the tests share: anything a caller might hand over (``values``), ids,
image ids and text valid, nearly valid and far off, the strings and JSON of the wire, and
parameters that flatten.

Strategies are kept cheap to draw: 2000 examples per resource must run in a few seconds.

:func:`example_counts` sizes the large property runs: a small run in the default test command, the
full run marked ``slow`` (README's second test command).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import strategies as st
from pulumi.output import Unknown
from pulumi.runtime import rpc

from pulumi_compshare.api import limits

MAX_ID = limits.MAX_ID


def example_counts(full: int, default: int) -> Any:
    """Parametrize a property test's ``examples`` (its ``max_examples``): ``default`` examples in
    the default run, ``full`` in the run of the ``slow`` marker. The test passes ``examples`` to
    its ``@settings``; both runs check the same property."""
    return pytest.mark.parametrize(
        "examples",
        [
            pytest.param(default, id=f"{default}-examples"),
            pytest.param(full, id=f"{full}-examples", marks=pytest.mark.slow),
        ],
    )


# ------------------------------------------------------------------------------ any value

unknowns = st.one_of(st.builds(Unknown), st.just(rpc.UNKNOWN))


def repeated(lengths: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    """One character repeated: long strings (at and past the limits) without drawing each char."""
    return st.tuples(st.characters(), lengths).map(lambda pair: pair[0] * pair[1])


numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([0, -1, 1, MAX_ID, MAX_ID + 1, 2**53 + 1, 10**30, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([50002.0, 0.5, 1.5, -0.0, 1e300, -1e300, float(MAX_ID), MAX_ID + 1.0]),
)

numeric_strings = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [" 50002 ", "50002.0", "1e5", "1e400", "0x10", "1_000", "٣", "+7", "-7", "0", "00012", "5."]
    ),
    st.integers(min_value=1, max_value=9).map(lambda n: "9" * (4000 + n * 100)),
)

texts = st.one_of(
    st.text(max_size=12),
    repeated(st.integers(min_value=0, max_value=100_000)),
    st.sampled_from(["", " ", "\t", "\n", "a\nb", "\r\n", "\x00", "\ud800", "é" * 65, "x" * 257]),
    st.sampled_from(
        ["alice", "bob", "compshareImage-abc", "compshareImage-", "compshareimage-abc"]
    ),
)

scalars = st.one_of(st.none(), st.booleans(), numbers, numeric_strings, texts, unknowns)

values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=4), children, max_size=3),
    ),
    max_leaves=6,
)
"""Anything the engine (or a careless program) might hand over: to check(), to a lookup."""


def suffixed(base: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid string with something stuck to either end (whitespace, a newline, a NUL...)."""
    junk = st.sampled_from(["\n", " ", "\t", "\x00", "é", "\r\n", "-", "."])
    return st.one_of(
        st.tuples(base, junk).map(lambda t: t[0] + t[1]),
        st.tuples(junk, base).map(lambda t: t[0] + t[1]),
    )


valid_ids = st.one_of(
    st.integers(min_value=1, max_value=MAX_ID),
    st.integers(min_value=1, max_value=MAX_ID).map(float),
    st.integers(min_value=1, max_value=MAX_ID).map(str),
    st.sampled_from([1, 1001, 50002, MAX_ID, 50002.0, "50002", " 50002 ", "50002.0"]),
)
near_ids = st.one_of(
    valid_ids,
    st.sampled_from([0, -1, MAX_ID + 1, 0.0, 1.5, True, False, "0", "", " ", "1.5", "abc"]),
    st.integers(min_value=1, max_value=MAX_ID).map(lambda n: n + 0.5),
)
IMAGE_CHARS = "abcXYZ0189_-"
valid_image_ids = st.one_of(
    st.sampled_from(["compshareImage-abc", "compshareImage-def", "compshareImage-" + "a" * 63]),
    st.tuples(st.sampled_from("aZ0"), st.text(alphabet=IMAGE_CHARS, max_size=6)).map(
        lambda t: f"compshareImage-{t[0]}{t[1]}"
    ),
)


# ------------------------------------------------------------------------------ text at the limits


VISIBLE = st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"))
"""Characters that show: text made only of others (controls, spaces, zero-width) is refused."""


def shows(text: str) -> bool:
    return any(not (c.isspace() or unicodedata.category(c) in INVISIBLE) for c in text)


INVISIBLE = ("Cf", "Zs", "Zl", "Zp", "Mn", "Me")


def bounded_text(limit: int, *, non_blank: bool = False) -> st.SearchStrategy[str]:
    """Text within ``limit`` characters that shows (no control characters, not only invisible
    ones): short random text, or one visible character up to the limit."""
    strategy = st.one_of(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=10
        ).filter(shows),
        st.tuples(VISIBLE, st.integers(min_value=1, max_value=limit)).map(
            lambda pair: pair[0] * pair[1]
        ),
    )
    return strategy if non_blank else st.one_of(st.just(""), strategy)


def around(limit: int) -> st.SearchStrategy[str]:
    """Text of about ``limit`` characters, just inside and just past it."""
    return repeated(st.integers(min_value=limit - 2, max_value=limit + 2))


# ------------------------------------------------------------------------------ the wire

long_texts = st.sampled_from([64, 65, 256, 257, 5_000, 100_000]).flatmap(
    lambda n: st.sampled_from(["x", "é", "中", " ", "\n", "9"]).map(lambda c: c * n)
)
short_texts = st.one_of(
    st.sampled_from(
        [
            "1001",
            "1002",
            "50002",
            "50003",
            "60001",
            "0",
            "-1",
            str(limits.MAX_ID),
            str(limits.MAX_ID + 1),
            str(10**30),
            str(-(10**30)),
            "1.5",
            "1001.0",
            " 1001 ",
            "1e3",
            "1e400",
            "nan",
            "-inf",
            "٣",
            "",
            " ",
            "\n",
            "true",
            "false",
            "TRUE",
            "1",
            "Joined",
            "cancelled",
            "Send",
            "agree",
            "Reject",
            "Cancel",
            "UpdateRemarkName",
            "Success",
            "Invite",
            "cn-wlcb",
            "cn-wlcb-01",
            "compshareImage-abc",
            "compshareImage-def",
            "compshareImage-zzz",
            "compshareImage-",
            "compshareImage-abc\n",
            "\ud800",
            "a\udfffb",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=12),
)
wire_texts = st.integers(min_value=0, max_value=7).flatmap(
    lambda n: long_texts if n == 0 else short_texts
)
"""Form field values: every one a string on the wire."""

json_scalars = st.one_of(
    short_texts,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
)
json_values = st.one_of(
    long_texts,
    st.recursive(
        json_scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(max_size=5), children, max_size=3),
        ),
        max_leaves=6,
    ),
)
"""JSON body values: also numbers, booleans, null, lists and objects."""

flat_keys = st.text(
    alphabet=st.characters(min_codepoint=48, max_codepoint=122, categories=["Lu", "Ll", "Nd"]),
    min_size=1,
    max_size=12,
)
flat_scalars = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.text(max_size=20),
)
flat_values = st.one_of(
    flat_scalars,
    st.lists(flat_scalars, min_size=1, max_size=4),
    st.lists(
        st.dictionaries(flat_keys, flat_scalars, min_size=1, max_size=3), min_size=1, max_size=3
    ),
)
flat_params = st.dictionaries(flat_keys, flat_values, min_size=1, max_size=8)
"""Parameters that flatten and sign: keys of letters and digits; scalars, lists, lists of
objects."""
key_texts = st.text(min_size=1, max_size=40)
"""Any key of a key pair."""
