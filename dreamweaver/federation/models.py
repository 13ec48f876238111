"""What the fediverse area keeps: so far, our actors' key pairs."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow


class ActorKey(db.Model):
    """The RSA key pair an actor of ours signs with ("blog", or "author:<user id>"),
    made on first use. The private key is sealed (sealed.py): a database dump
    without the SECRET_KEY cannot sign as us."""

    __tablename__ = "federation_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(sa.String(80), unique=True)
    public_pem: Mapped[str] = mapped_column(sa.Text)
    private_sealed: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
