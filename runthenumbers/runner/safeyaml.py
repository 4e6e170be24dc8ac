"""YAML for user input: PyYAML's safe loader without aliases and without repeated keys.

An alias (``*name``) repeats a node, so a few hundred bytes of nested aliases expand to gigabytes (a
"billion laughs"); a parameters file has no use for them. A key given twice would silently keep the
last value, as a repeated ``--set`` would; both are refused instead. Nesting deeper than
:data:`MAX_DEPTH` (a parameters file is a flat mapping) is refused before the parser's recursion
could overflow the stack.
"""

from __future__ import annotations

import yaml

MAX_DEPTH = 20


class _Loader(yaml.SafeLoader):
    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in this file", event.start_mark
            )
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"values are nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

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
    """The data in ``text``: plain YAML scalars, lists and mappings only."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
