"""A tree walker for bleach that is linear in the width of the tree.

bleach walks html5lib's etree with html5lib's walker, which finds a node's
place among its parent's children with list.count and list.index each time
it climbs back up: quadratic in the number of siblings. A post of 6,000
top-level paragraphs and headings took 1.25 s to sanitize, half of it there.
This walker is html5lib's, but it remembers each ancestor's place as it goes
down (bleach 6.4.0 is its final release, so the walker it vendors will not
change under us).
"""

from bleach import html5lib_shim

# The class bleach's Cleaner walks with.
_Base = html5lib_shim.getTreeWalker("etree")


class _Ancestors(list):
    """The ancestors of the current node, with each one's place in its parent."""

    def __init__(self):
        super().__init__()
        self.keys: list = []

    def descend(self, element, key):
        self.append(element)
        self.keys.append(key)


class LinearTreeWalker(_Base):
    def getFirstChild(self, node):
        if isinstance(node, tuple):
            element, key, parents, flag = node
        else:
            element, key, parents, flag = node, None, _Ancestors(), None
        if flag in ("text", "tail"):
            return None
        if element.text:
            return element, key, parents, "text"
        if len(element):
            parents.descend(element, key)
            return element[0], 0, parents, None
        return None

    def getNextSibling(self, node):
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            if len(element):
                parents.descend(element, key)
                return element[0], 0, parents, None
            return None
        if element.tail and flag != "tail":
            return element, key, parents, "tail"
        if key < len(parents[-1]) - 1:
            return parents[-1][key + 1], key + 1, parents, None
        return None

    def getParentNode(self, node):
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            return element if not parents else (element, key, parents, None)
        parent = parents.pop()
        parent_key = parents.keys.pop()
        if not parents:
            return parent
        return parent, parent_key, parents, None
