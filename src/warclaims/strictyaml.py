"""YAML as people write the project's lists (reports.yaml, data/external.yaml): PyYAML's safe loader
with no aliases (an alias bomb expands to gigabytes: nine levels took a fetch 55 s) and a key
written twice in one mapping an error naming both lines, not a silent last-one-wins. PyYAML is
imported on first use (a no-op build never parses a list)."""

from __future__ import annotations

import functools


def strict_yaml(text: str, what: str):
    """The document in `text`; yaml.YAMLError (with a mark) for an alias, a key written twice or
    a key that is a list or mapping. `what` names the file in the alias message."""
    import yaml

    return yaml.load(text, Loader=_strict_loader(what))


@functools.cache
def _strict_loader(what: str):
    import yaml

    class _StrictLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"aliases (*{event.anchor}) are not allowed in {what}", event.start_mark
                )
            return super().compose_node(parent, index)

        def construct_mapping(self, node, deep=False):
            first: dict[object, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    seen = first.get(key)
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark
                    ) from None
                if seen is not None:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"key {key!r} appears twice (lines {seen} and {key_node.start_mark.line + 1})",
                        key_node.start_mark,
                    )
                first[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep=deep)

    return _StrictLoader
