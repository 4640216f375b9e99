"""The topology picture: KMS keys -> topics -> subscriptions -> queues -> dead-letter queues.

A layered graph laid out in columns (keys, topics, queues, then each level of dead-letter
queue), drawn by the template as SVG. A key that cannot be used (disabled, pending deletion)
is marked broken, and so is everything it encrypts and every subscription that delivers into
a broken queue, so what a disabled key breaks stands out at a glance.
"""

from __future__ import annotations

from awslocal_cli.console import views

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awslocal_cli.context import Context

Row = dict[str, "Any"]

NODE_W, NODE_H = 210, 46
COL_GAP, ROW_GAP = 90, 22
PAD = 16


def graph(ctx: Context, href: Any) -> Row:
    """Nodes (with x, y) and edges (with an SVG path) of the region's topology.

    `href(kind, name)` is the console URL of a resource page.
    """
    keys = views.list_keys(ctx)
    queues = views.list_queues(ctx)
    topics = views.list_topics(ctx)
    nodes: dict[str, Row] = {}
    edges: list[Row] = []
    key_states = {k["Arn"]: k["KeyState"] for k in keys}

    def key_node(arn: str | None, named: str | None) -> str | None:
        if not named:
            return None
        node_id = arn or f"missing:{named}"
        if node_id not in nodes:
            meta = next((k for k in keys if k["Arn"] == arn), None)
            state = meta["KeyState"] if meta else "NotCreated"
            label = (meta["Aliases"][0] if meta and meta["Aliases"] else
                     meta.get("Description") or meta["KeyId"][:8] + "…" if meta else named)
            nodes[node_id] = {
                "id": node_id, "kind": "key", "column": 0, "label": label,
                "detail": state, "state": state,
                "href": href("key", meta["KeyId"]) if meta else None,
                "broken": state in views.BROKEN_KEY_STATES}
        return node_id

    # Queues: column 2, and one further column per level of dead-letter queue.
    by_arn = {q["Arn"]: q for q in queues}
    level: dict[str, int] = {}

    def depth(arn: str, seen: frozenset[str] = frozenset()) -> int:
        if arn in level:
            return level[arn]
        sources = [q for q in queues if q["DeadLetterTargetArn"] == arn and q["Arn"] not in seen]
        value = 0 if not sources else 1 + max(depth(s["Arn"], seen | {arn}) for s in sources)
        level[arn] = min(value, 3)
        return level[arn]

    for queue in queues:
        counts = f"{queue['Visible']} visible · {queue['InFlight']} in flight"
        nodes[queue["Arn"]] = {
            "id": queue["Arn"], "kind": "queue", "column": 2 + depth(queue["Arn"]),
            "label": queue["Name"], "detail": f"{queue['SSE']} · {counts}",
            "href": href("queue", queue["Name"]), "broken": False}
        key = key_node(queue["KmsKeyArn"], queue["KmsMasterKeyId"])
        if key is not None:
            edges.append({"from": key, "to": queue["Arn"], "kind": "encrypts",
                          "label": "encrypts"})
    for queue in queues:
        target = queue["DeadLetterTargetArn"]
        if target:
            if target not in nodes:
                nodes[target] = {"id": target, "kind": "queue", "column": 3,
                                 "label": target.rsplit(":", 1)[-1], "detail": "missing",
                                 "href": None, "broken": True}
            edges.append({"from": queue["Arn"], "to": target, "kind": "redrive",
                          "label": f"after {queue['MaxReceiveCount']} receives"})
    latest = _latest_outcomes(ctx)
    for topic in topics:
        nodes[topic["Arn"]] = {
            "id": topic["Arn"], "kind": "topic", "column": 1, "label": topic["Name"],
            "detail": f"{topic['Subscriptions']} subscriptions"
                      + (" · encrypted" if topic["KmsMasterKeyId"] else ""),
            "href": href("topic", topic["Name"]), "broken": False}
        key = key_node(topic["KmsKeyArn"], topic["KmsMasterKeyId"])
        if key is not None:
            edges.append({"from": key, "to": topic["Arn"], "kind": "encrypts",
                          "label": "encrypts"})
        for sub in topic["SubscriptionList"]:
            endpoint = sub["Endpoint"]
            if sub["Protocol"] == "sqs" and endpoint in by_arn:
                target = endpoint
            else:
                target = f"endpoint:{sub['Protocol']}:{endpoint}"
                if target not in nodes:
                    nodes[target] = {"id": target, "kind": "endpoint", "column": 2,
                                     "label": endpoint, "detail": sub["Protocol"],
                                     "href": None, "broken": False}
            labels = []
            if sub.get("FilterPolicy"):
                labels.append("filter")
            if sub.get("Raw"):
                labels.append("raw")
            if sub["Pending"]:
                labels.append("pending confirmation")
            outcome = latest.get(sub["SubscriptionArn"])
            if outcome == "refused":
                labels.append("refused")
            edges.append({"from": topic["Arn"], "to": target, "kind": "subscription",
                          "label": " · ".join(labels), "pending": sub["Pending"],
                          "refused": outcome == "refused"})
            dead_letter = sub.get("DeadLetterTargetArn")
            if dead_letter in by_arn:  # the subscription's own DLQ (its RedrivePolicy)
                edges.append({"from": topic["Arn"], "to": dead_letter, "kind": "redrive",
                              "label": "undeliverable"})
    # What a broken key breaks: what it encrypts, then what delivers into that.
    for edge in edges:
        if edge["kind"] == "encrypts" and nodes[edge["from"]]["broken"]:
            nodes[edge["to"]]["broken"] = True
            edge["broken"] = True
    for edge in edges:
        if edge["kind"] == "subscription" and nodes[edge["to"]]["broken"]:
            edge["broken"] = True
    return _layout(list(nodes.values()), edges, key_states)


def _latest_outcomes(ctx: Context) -> dict[str, str]:
    """Subscription ARN -> the status of its latest delivery."""
    latest: dict[str, str] = {}
    for entry in views.deliveries(ctx)["Deliveries"]:
        if entry["SubscriptionArn"] and entry["Status"] != "dead-lettered":
            latest[entry["SubscriptionArn"]] = entry["Status"]
    return latest


def _layout(nodes: list[Row], edges: list[Row], key_states: dict[str, str]) -> Row:
    columns: dict[int, list[Row]] = {}
    order = {"key": 0, "topic": 1, "queue": 2, "endpoint": 3}
    for node in sorted(nodes, key=lambda n: (order[n["kind"]], n["label"])):
        columns.setdefault(node["column"], []).append(node)
    used = sorted(columns)
    place = {c: i for i, c in enumerate(used)}
    for column, members in columns.items():
        for row, node in enumerate(members):
            node["x"] = PAD + place[column] * (NODE_W + COL_GAP)
            node["y"] = PAD + 24 + row * (NODE_H + ROW_GAP)
    by_id = {n["id"]: n for n in nodes}
    for edge in edges:
        a, b = by_id[edge["from"]], by_id[edge["to"]]
        x1, y1 = a["x"] + NODE_W, a["y"] + NODE_H / 2
        x2, y2 = b["x"], b["y"] + NODE_H / 2
        if x2 <= x1:  # same column (should not happen) or backwards: loop round the right
            x2 = b["x"] + NODE_W
        bend = max(40.0, (x2 - x1) / 2)
        edge["path"] = f"M{x1:.0f},{y1:.0f} C{x1 + bend:.0f},{y1:.0f} {x2 - bend:.0f},{y2:.0f} " \
                       f"{x2:.0f},{y2:.0f}"
        edge["lx"], edge["ly"] = (x1 + x2) / 2, (y1 + y2) / 2 - 4
    headings = {0: "KMS keys", 1: "Topics", 2: "Queues and endpoints"}
    heads = [{"x": PAD + place[c] * (NODE_W + COL_GAP),
              "label": headings.get(c, "Dead-letter queues")} for c in used]
    rows = max((len(m) for m in columns.values()), default=0)
    width = PAD * 2 + max(len(used), 1) * (NODE_W + COL_GAP) - COL_GAP
    height = PAD * 2 + 24 + max(rows, 1) * (NODE_H + ROW_GAP)
    return {"nodes": nodes, "edges": edges, "heads": heads, "width": width, "height": height,
            "node_w": NODE_W, "node_h": NODE_H, "empty": not nodes}
