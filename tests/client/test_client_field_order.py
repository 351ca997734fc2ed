"""The generated ``from_dict`` methods call ``cls(...)`` with positional arguments (the project's
model template does it for speed: keywords cost ~40 ns each through attrs' ``__init__``). That is
only right while the arguments come in the order of attrs' ``__init__``: were the generator (or a
template change) ever to reorder the fields, values would land in the wrong attributes without an
error. These tests read every model's ``from_dict`` and compare its positional arguments, name by
name, with the order of the class's ``__init__`` parameters."""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

import attrs
import pytest
from adapty_profile_client import models

MODELS = sorted(
    (
        cls
        for cls in vars(models).values()
        if inspect.isclass(cls) and attrs.has(cls) and hasattr(cls, "from_dict")
    ),
    key=lambda cls: cls.__name__,
)


def _constructor_call(cls: type[Any]) -> ast.Call:
    """The ``cls(...)`` call inside ``cls.from_dict``."""
    source = textwrap.dedent(inspect.getsource(cls.from_dict))
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cls"
    ]
    assert len(calls) == 1, f"{cls.__name__}.from_dict: expected one cls(...) call, got {calls}"
    return calls[0]


def test_there_are_models_to_check() -> None:
    assert len(MODELS) >= 10, [cls.__name__ for cls in MODELS]


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_from_dict_passes_the_fields_in_init_order(cls: type[Any]) -> None:
    call = _constructor_call(cls)
    passed = [arg.id if isinstance(arg, ast.Name) else ast.dump(arg) for arg in call.args]
    passed += [f"{kw.arg}=" for kw in call.keywords]
    init_order = [field.alias for field in attrs.fields(cls) if field.init]
    assert passed == init_order, (
        f"{cls.__name__}.from_dict passes {passed} positionally, but its __init__ takes "
        f"{init_order}: a positional argument would land in the wrong attribute"
    )


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_init_parameters_are_the_attrs_fields(cls: type[Any]) -> None:
    """attrs' ``__init__`` signature is what ``attrs.fields`` says (the test above relies on it)."""
    parameters = list(inspect.signature(cls.__init__).parameters)[1:]
    assert parameters == [field.alias for field in attrs.fields(cls) if field.init]
