"""Lay out the dependency network for an inline SVG: consumers on the left, the services they call
to their right (longest-path layers), nodes ordered within a layer by the barycentre of their
neighbours to reduce crossings. Pure geometry: no database, no HTML."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

ROW = 46
NODE_HEIGHT = 30
GAP_X = 140
PAD = 24
CHAR_WIDTH = 7.4
MAX_LABEL = 28


@dataclass(frozen=True)
class GraphNode:
    name: str
    label: str
    x: float
    y: float
    width: float
    href: str
    consumers: int
    providers: int


@dataclass(frozen=True)
class GraphEdge:
    consumer: str
    provider: str
    path: str  # SVG path data
    status: str  # passed | failed | unverified
    href: str


@dataclass(frozen=True)
class GraphLayout:
    width: float
    height: float
    nodes: list[GraphNode]
    edges: list[GraphEdge]


def _layers(names: Sequence[str], edges: Sequence[tuple[str, str, str]]) -> dict[str, int]:
    layer = dict.fromkeys(names, 0)
    # longest path with a bound on the passes, so a cycle cannot loop forever
    for _ in range(len(names)):
        changed = False
        for consumer, provider, _status in edges:
            if consumer != provider and layer[provider] < layer[consumer] + 1 <= len(names):
                layer[provider] = layer[consumer] + 1
                changed = True
        if not changed:
            break
    return layer


def layout(
    edges: Sequence[tuple[str, str, str]],
    *,
    node_href: Callable[[str], str],
    edge_href: Callable[[str, str], str],
) -> GraphLayout:
    """``edges`` are (consumer, provider, status) triples."""
    names = sorted({n for e in edges for n in e[:2]})
    if not names:
        return GraphLayout(0, 0, [], [])
    layer = _layers(names, edges)
    columns: dict[int, list[str]] = {}
    for name in names:
        columns.setdefault(layer[name], []).append(name)
    neighbours: dict[str, set[str]] = {n: set() for n in names}
    for consumer, provider, _ in edges:
        neighbours[consumer].add(provider)
        neighbours[provider].add(consumer)
    order = {name: index for column in columns.values() for index, name in enumerate(column)}
    keys = sorted(columns)
    for sweep in range(6):
        sequence = keys if sweep % 2 == 0 else list(reversed(keys))
        for key in sequence:
            column = columns[key]

            def centre(name: str, key: int = key) -> float:
                near = [order[n] for n in neighbours[name] if layer[n] != key]
                return sum(near) / len(near) if near else order[name]

            column.sort(key=lambda n: (centre(n), n))
            for index, name in enumerate(column):
                order[name] = index
    tallest = max(len(c) for c in columns.values())
    height = float(tallest * ROW + 2 * PAD)
    label = {n: n if len(n) <= MAX_LABEL else n[: MAX_LABEL - 1] + "…" for n in names}
    widths = {n: len(label[n]) * CHAR_WIDTH + 28 for n in names}
    x = float(PAD)
    nodes: dict[str, GraphNode] = {}
    consumers_of = {n: sum(1 for e in edges if e[1] == n) for n in names}
    providers_of = {n: sum(1 for e in edges if e[0] == n) for n in names}
    for key in keys:
        column = columns[key]
        column_width = max(widths[n] for n in column)
        offset = (tallest - len(column)) * ROW / 2
        for index, name in enumerate(column):
            y = PAD + offset + index * ROW
            nodes[name] = GraphNode(
                name,
                label[name],
                x,
                y,
                widths[name],
                node_href(name),
                consumers_of[name],
                providers_of[name],
            )
        x += column_width + GAP_X
    width = x - GAP_X + PAD
    drawn = []
    for consumer, provider, status in edges:
        a, b = nodes[consumer], nodes[provider]
        y1, y2 = a.y + NODE_HEIGHT / 2, b.y + NODE_HEIGHT / 2
        if b.x > a.x:
            x1, x2 = a.x + a.width, b.x
            bend = (x2 - x1) / 2
            path = f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        else:  # a cycle or a self-dependency: loop round under the nodes
            x1, x2 = a.x + a.width / 2, b.x + b.width / 2
            low = max(a.y, b.y) + NODE_HEIGHT + ROW * 0.6
            path = (
                f"M{x1:.1f},{a.y + NODE_HEIGHT:.1f} C{x1:.1f},{low:.1f} {x2:.1f},{low:.1f} "
                f"{x2:.1f},{b.y + NODE_HEIGHT:.1f}"
            )
            height = max(height, low + PAD)
        drawn.append(GraphEdge(consumer, provider, path, status, edge_href(consumer, provider)))
    return GraphLayout(width, height, list(nodes.values()), drawn)
