"""The network layout: consumers left of their providers, no overlapping boxes, cycles drawn."""

from __future__ import annotations

from broker.ui.graph import NODE_HEIGHT, GraphLayout, layout


def _draw(edges: list[tuple[str, str, str]]) -> GraphLayout:
    return layout(edges, node_href=lambda n: f"/n/{n}", edge_href=lambda c, p: f"/e/{c}/{p}")


def test_consumers_are_left_of_providers_and_boxes_do_not_overlap() -> None:
    edges = [("web", "bff", "passed"), ("bff", "orders", "failed"), ("web", "orders", "unverified")]
    drawn = _draw(edges)
    x = {n.name: n.x for n in drawn.nodes}
    assert x["web"] < x["bff"] < x["orders"]  # longest path decides the column
    assert {(e.consumer, e.provider, e.status, e.href) for e in drawn.edges} == {
        ("web", "bff", "passed", "/e/web/bff"),
        ("bff", "orders", "failed", "/e/bff/orders"),
        ("web", "orders", "unverified", "/e/web/orders"),
    }
    assert all(e.path.startswith("M") and " C" in e.path for e in drawn.edges)
    nodes = {n.name: n for n in drawn.nodes}
    assert (nodes["orders"].consumers, nodes["orders"].providers) == (2, 0)
    for node in drawn.nodes:
        assert node.x + node.width <= drawn.width
        assert node.y + NODE_HEIGHT <= drawn.height


def test_cycles_terminate_and_long_names_are_shortened() -> None:
    long_name = "a-service-with-a-really-quite-long-name"
    drawn = _draw([("a", "b", "passed"), ("b", "a", "passed"), (long_name, "a", "passed")])
    assert len(drawn.nodes) == 3
    label = next(n.label for n in drawn.nodes if n.name == long_name)
    assert label.endswith("…")
    assert len(label) == 28
    assert len(drawn.edges) == 3


def test_fifty_services_fit_without_overlap() -> None:
    names = [f"s{i:02d}" for i in range(50)]
    edges = [(names[i], names[j], "passed") for i in range(50) for j in (i + 7, i + 13) if j < 50]
    drawn = _draw(edges)
    assert len(drawn.nodes) == 50
    boxes = [(n.x, n.y, n.width, NODE_HEIGHT) for n in drawn.nodes]
    for index, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[index + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


def test_nothing_to_draw() -> None:
    drawn = _draw([])
    assert (drawn.nodes, drawn.edges, drawn.width) == ([], [], 0)
