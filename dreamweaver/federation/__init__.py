"""The fediverse and the independent web: ActivityPub and Webmention (issue 22).

- views.py: the blueprint `bp`, `enabled()`, and JSON answers
- discovery.py: WebFinger, NodeInfo, our actors' documents (actors.py says who they are)
- inbox.py: the shared inbox; activities.py: what each activity does
- collections.py: outboxes, followers counts, each post as an Article (objects.py)
- publishing.py: the periodic run that sends Create, Update and Delete; delivery.py sends
- remote.py: other servers' actors and keys; signatures.py: HTTP Signatures
- outbound.py: every request made because of someone else's input
- keys.py, followers.py, models.py: our key pairs, followers and blocks, the tables
"""
