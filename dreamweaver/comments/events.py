"""What happens to comments that people may want to hear about, as signals
(blinker, as Flask's own): a comment written on the site, and a moderator
changing one's status. Mail notices listen to them; the comment rules do not
know who listens.

Imported and seeded comments do not send them: only a reader's comment
(policy.accept), an author's reply from /admin (policy.author_reply) and a
moderation action (moderation.moderate) do. Receivers run inside the
transaction of the change, so what they write commits or rolls back with it.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the new Comment (already flushed, status "approved" or "pending").
comment_added = _signals.signal("comment-added")
# sender: the Comment after its status changed; keyword `old`: the status before.
status_changed = _signals.signal("comment-status-changed")
