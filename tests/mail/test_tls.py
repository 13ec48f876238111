"""Mail over TLS, as a hosted mail provider takes it: STARTTLS on the
submission port (MAIL_USE_TLS) and TLS from the first byte (MAIL_USE_SSL), each
with SMTP AUTH (MAIL_USERNAME / MAIL_PASSWORD), to a real aiosmtpd server whose
certificate for 127.0.0.1 is signed by an authority made here. The app trusts
it the way any machine is told of an authority, through SSL_CERT_FILE (read by
ssl.create_default_context): no setting of ours turns checking off."""

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from dreamweaver.extensions import db
from dreamweaver.mail import outbox
from dreamweaver.models import OutboxMessage
from tests.support.smtp import SmtpServer, text_of

pytestmark = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS:UserWarning")

USERNAME, PASSWORD = "dreams@example.org", "app-specific password"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """(authority.pem, server.pem, server.key): an authority and the
    certificate it signed for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    now = datetime.now(UTC)
    authority_key = ec.generate_private_key(ec.SECP256R1())
    authority = (
        x509.CertificateBuilder()
        .subject_name(_name("Dreamweaver test authority"))
        .issuer_name(_name("Dreamweaver test authority"))
        .public_key(authority_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(authority_key.public_key()),
                       critical=False)
        .sign(authority_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(authority.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.IPv4Address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            authority_key.public_key()), critical=False)
        .sign(authority_key, hashes.SHA256())
    )
    paths = folder / "authority.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(authority.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return paths


class Logins:
    """aiosmtpd's authenticator: takes one user and password, and notes each
    attempt with whether the connection was encrypted at that moment."""

    def __init__(self):
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.attempts.append((mechanism, auth_data.login.decode(), encrypted))
        ok = auth_data.login == USERNAME.encode() and auth_data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers 535


def serve(certificates, implicit: bool, logins: Logins) -> SmtpServer:
    _, cert, key = certificates
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    options = {"authenticator": logins, "auth_required": True}
    if not implicit:
        return SmtpServer(tls_context=context, require_starttls=True, **options).start()
    # aiosmtpd counts only STARTTLS as encryption for AUTH (and warns, see
    # pytestmark): this connection is encrypted from its first byte, which Logins checks.
    return SmtpServer(ssl_context=context, auth_require_tls=False, **options).start()


@pytest.fixture
def trusted(monkeypatch, certificates):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates[0]))


def send_one(app, subject="Over TLS"):
    with app.app_context():
        row = outbox.queue("reader@example.org", subject, "test_message", kind="test",
                           sender_name="Owner")
        db.session.commit()
        return row.id


def row(app, message_id):
    with app.app_context():
        return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.id == message_id))


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "ssl"])
def test_mail_goes_over_tls_with_smtp_auth(app, certificates, trusted, implicit):
    logins = Logins()
    server = serve(certificates, implicit, logins)
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                          MAIL_USE_TLS=not implicit, MAIL_USE_SSL=implicit,
                          MAIL_USERNAME=USERNAME, MAIL_PASSWORD=PASSWORD)
        message_id = send_one(app)
        [message] = server.wait_for(1)
    finally:
        server.stop()
    assert message["Subject"] == "Over TLS" and "sent from /admin by Owner" in text_of(message)
    assert [(login, encrypted) for _, login, encrypted in logins.attempts] == [(USERNAME, True)]
    assert row(app, message_id).status == "sent"


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "ssl"])
def test_a_certificate_nobody_vouched_for_is_refused(app, certificates, implicit, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates[0].with_name("nothing.pem")))
    logins = Logins()
    server = serve(certificates, implicit, logins)
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                          MAIL_USE_TLS=not implicit, MAIL_USE_SSL=implicit,
                          MAIL_USERNAME=USERNAME, MAIL_PASSWORD=PASSWORD)
        message_id = send_one(app)
    finally:
        server.stop()
    assert server.messages == [] and logins.attempts == []  # the password never left
    sent = row(app, message_id)
    assert sent.status == "queued" and "CERTIFICATE_VERIFY_FAILED" in sent.last_error


def test_a_wrong_password_is_kept_for_later_with_the_servers_answer(app, certificates, trusted):
    logins = Logins()
    server = serve(certificates, False, logins)
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=True,
                          MAIL_USERNAME=USERNAME, MAIL_PASSWORD="wrong")
        message_id = send_one(app)
    finally:
        server.stop()
    assert server.messages == []
    sent = row(app, message_id)
    assert sent.status == "queued" and "SMTPAuthenticationError" in sent.last_error


def test_starttls_is_required_when_asked_for(app, trusted):
    """A server that offers no STARTTLS gets no message and no password."""
    plain = SmtpServer().start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=plain.port, MAIL_USE_TLS=True,
                          MAIL_USERNAME=USERNAME, MAIL_PASSWORD=PASSWORD)
        message_id = send_one(app)
    finally:
        plain.stop()
    assert plain.messages == []
    sent = row(app, message_id)
    assert sent.status == "queued" and "STARTTLS" in sent.last_error
