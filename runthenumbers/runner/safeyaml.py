"""YAML for user input: a flat mapping of names to plain values, read as a person means it.

- **No aliases, no repeated keys.** An alias (``*name``) repeats a node, so a few hundred bytes of
  nested aliases expand to gigabytes (a "billion laughs"); a parameters file has no use for them. A key
  given twice would silently keep the last value, as a repeated ``--set`` would; both are refused.
- **Flat, and bounded while composing.** A parameters file maps each name to one value, so a list or a
  mapping as a value is refused at its first character, and more than :data:`MAX_KEYS` names at the
  first one too many: a file just under the byte limit can no longer keep the parser busy for a minute
  building a structure that is refused at the end.
- **Numbers as ``--set`` reads them.** PyYAML follows YAML 1.1, which reads ``050000`` as octal (20480),
  ``1:00`` as sexagesimal (60), ``0x1F40`` as hexadecimal and ``5e-2`` as a string. Here a plain scalar is
  text, except ``null``/``~``/empty (no value), ``true``/``false`` and ``.inf``/``.nan`` (as YAML 1.2 has
  them), and each
  parameter reads that text exactly as it reads ``--set NAME=TEXT`` (:meth:`runthenumbers.parameters.Parameter.read`):
  ``050000`` is 50000, ``5e-2`` is 0.05, and ``1:00`` and ``0x1F40`` are refused as not numbers.
  An explicit tag (``!!float "0.05"``) is honoured.
"""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, ScalarNode

# The document's mapping and its scalars: one level below the document.
MAX_DEPTH = 2
MAX_KEYS = 500

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
# YAML 1.2's infinities and NaN, which a range then refuses with a message naming them.
_SPECIAL_FLOAT = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


class _Loader(yaml.SafeLoader):
    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in this file", event.start_mark
            )
        if self._depth >= MAX_DEPTH - 1 and self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            what = "a list" if self.check_event(yaml.SequenceStartEvent) else "a mapping"
            raise yaml.composer.ComposerError(
                None,
                None,
                f"{what} is given as a value; a parameters file maps each name to one value (NAME: VALUE)",
                self.peek_event().start_mark,
            )
        if isinstance(parent, MappingNode) and index is None and len(parent.value) >= MAX_KEYS:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"more than {MAX_KEYS} names are given; a parameters file sets a few",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode and implicit[0]:
            if _NULL.match(value):
                return "tag:yaml.org,2002:null"
            if _BOOL.match(value):
                return "tag:yaml.org,2002:bool"
            if _SPECIAL_FLOAT.match(value):
                return "tag:yaml.org,2002:float"
            return "tag:yaml.org,2002:str"
        return super().resolve(kind, value, implicit)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is given twice; give each name once", key_node.start_mark
                )
            seen.add(key) if isinstance(key, str) else None
        return super().construct_mapping(node, deep=deep)


def load(text: str):
    """The data in ``text``: a mapping of names to plain values (text, or None, True, False)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
