"""The README's Python examples and every docstring example run; help() is useful."""

import doctest
import pathlib
import re

import stridepatch as sp
import stridepatch._native as native

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_readme_python_examples_run():
    blocks = python_blocks(README.read_text())
    assert blocks, "the README has no ```python block"
    for i, code in enumerate(blocks):
        exec(compile(code, f"README.md python block {i}", "exec"), {"__name__": f"readme_{i}"})


def test_docstring_examples_pass():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(sp) + [t for name in sp.__all__ if callable(getattr(sp, name))
                               for t in finder.find(getattr(sp, name), name)]
    attempted = 0
    for t in tests:
        r = runner.run(t)
        assert r.failed == 0, t.name
        attempted += r.attempted
    assert attempted >= 20


def test_every_public_name_has_a_docstring_and_a_signature():
    for name in sp.__all__:
        obj = getattr(sp, name)
        if callable(obj) and name != "PatchError":
            assert obj.__doc__ and len(obj.__doc__) > 40, name
            assert getattr(obj, "__text_signature__", None) or name == "Plan", name
    assert "window_shape" in native.windows.__text_signature__
    assert sp.Plan.__doc__.startswith("A patch geometry")
