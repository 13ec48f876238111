"""Comments as threads: a flat, date-ordered list becomes a tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Comment


@dataclass
class Node:
    comment: Comment
    depth: int = 1
    replies: list[Node] = field(default_factory=list)


def comment_tree(comments: list[Comment]) -> list[Node]:
    """Top-level threads with their replies, in the order given.

    A reply whose parent is not in the list (held, spammed, deleted) is shown
    at the top level, as WordPress's walker shows orphans.
    """
    nodes = {c.id: Node(c) for c in comments}
    roots: list[Node] = []
    for comment in comments:
        node = nodes[comment.id]
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.replies.append(node)
    stack = [(root, 1) for root in roots]
    while stack:
        node, depth = stack.pop()
        node.depth = depth
        stack.extend((reply, depth + 1) for reply in node.replies)
    return roots
