"""Requests we make because of someone else's input: an actor's key, a
Webmention's source, a reply's author. Whoever chose the address may have
chosen it to reach what only this server can: its own admin on loopback, the
cloud's metadata service on a link-local address, a database on the private
network. So every request here:

- goes only to http(s), with no credentials in the address;
- resolves the host once and refuses it if ANY of its addresses is not a
  public one (private, loopback, link-local, shared, reserved, multicast,
  unspecified, site-local, and IPv6 forms that carry one: IPv4-mapped,
  IPv4-compatible, 6to4, Teredo, NAT64);
  decimal, octal and short IPv4 forms are what the resolver makes of them;
- connects to the address it checked, never resolving again (a DNS answer
  that changes between the check and the connection cannot get past it);
- follows at most MAX_REDIRECTS redirects, each checked the same way;
- reads at most `max_bytes` of body, asks for no compression (nothing to
  inflate), and gives up when `timeout` seconds have passed in all, however
  slowly the server trickles;
- says who it is (USER_AGENT).

`FEDERATION_ALLOW_LOOPBACK=true` lets it reach 127.0.0.1 and ::1, for tests
with a peer on this machine; never private or link-local addresses.

The protocol is the standard library's (http.client, ssl); what is written
here is only the checking around it, which no maintained library does.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from flask import current_app

from .. import public_url

MAX_REDIRECTS = 3
# What stays as it is when a path or query is percent-encoded: the URI's own
# delimiters, and escapes already made.
URI_SAFE = "/:@!$&'()*+,;=%-._~?"
MAX_BYTES = 1024 * 1024
TIMEOUT = 10.0
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 16 * 1024


class Refused(Exception):
    """The request was not made, or its answer not read to the end: why, in words."""


@dataclass(frozen=True)
class Fetched:
    url: str  # where the answer came from, after redirects
    status: int
    headers: dict = field(repr=False)  # lower-case names
    body: bytes = field(repr=False)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def user_agent() -> str:
    return f"Dreamweaver/0.1 (+{public_url.configured() or 'http://localhost'})"


def fetch(url: str, *, method: str = "GET", headers: dict | None = None,
          body: bytes | None = None, max_bytes: int = MAX_BYTES,
          timeout: float = TIMEOUT) -> Fetched:
    """The answer to one request to `url` (redirects followed, as checked)."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            answer = _once(url, method, headers or {}, body, max_bytes, deadline)
        except UnicodeError as error:  # a host name IDNA cannot spell, a header it cannot send
            raise Refused("not an address that can be fetched") from error
        location = answer.headers.get("location")
        if answer.status not in REDIRECTS or not location:
            return answer
        try:
            url = urljoin(url, location)
        except ValueError as error:
            raise Refused("a redirect to no valid address") from error
        if answer.status == 303 or (answer.status in (301, 302) and method == "POST"):
            method, body = "GET", None
    raise Refused(f"more than {MAX_REDIRECTS} redirects")


def check_address(address: str, allow_loopback: bool) -> None:
    """Refuse any address that is not a public one."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:  # loopback is allowed as itself only
            check_address(str(embedded), allow_loopback=False)
        if ip.is_site_local:  # fec0::/10, deprecated, but routed inside some networks
            raise Refused(f"{address} is not a public address")
    if allow_loopback and ip.is_loopback:
        return
    if not ip.is_global or ip.is_multicast:
        raise Refused(f"{address} is not a public address")


NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries to its network (mapped, 6to4,
    Teredo, NAT64, the old IPv4-compatible form), if any: that is where it goes."""
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if any(ip in network for network in NAT64) or (ip in IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def resolve(host: str, port: int) -> str:
    """The one address to connect to, once every address of `host` passed."""
    allow_loopback = bool(current_app.config.get("FEDERATION_ALLOW_LOOPBACK"))
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(f"{host} does not resolve") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Refused(f"{host} does not resolve")
    for address in addresses:
        check_address(address, allow_loopback)
    return addresses[0]


def _once(url: str, method: str, headers: dict, body: bytes | None, max_bytes: int,
          deadline: float) -> Fetched:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - read now: a bad port raises here
    except ValueError as error:
        raise Refused("not an address that can be fetched") from error
    if parts.scheme not in ("http", "https"):
        raise Refused("only http and https addresses are fetched")
    if parts.username or parts.password:
        raise Refused("an address with credentials is not fetched")
    host = parts.hostname
    if not host:
        raise Refused("the address has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(host, port)
    connection, watchdog = _connect(parts.scheme, host, port, address, deadline)
    try:
        # An IRI (a path or query in any script) as the URI it stands for.
        path = quote(parts.path or "/", safe=URI_SAFE) + (
            f"?{quote(parts.query, safe=URI_SAFE)}" if parts.query else "")
        sent = {"User-Agent": user_agent(), "Accept-Encoding": "identity", **headers}
        connection.sock.settimeout(_left(deadline))
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        if answer_headers.get("content-encoding", "identity").lower() != "identity":
            raise Refused("the answer is compressed although we asked it not to be")
        length = answer_headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise Refused(f"the answer is larger than {max_bytes} bytes")
        data = _read(connection, response, max_bytes, deadline)
        return Fetched(url, response.status, answer_headers, data)
    except (OSError, http.client.HTTPException) as error:
        if time.monotonic() >= deadline:
            raise Refused("no complete answer in time") from error
        raise Refused(f"the request failed: {error.__class__.__name__}") from error
    finally:
        watchdog.cancel()
        connection.close()


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Refused("no complete answer in time")
    return left


def _connect(scheme: str, host: str, port: int, address: str, deadline: float):
    """A connection to the checked `address`, speaking to `host` (its Host
    header and, for https, the certificate's name and SNI), and the watchdog
    that shuts its socket at the deadline: a server that trickles its TLS
    handshake or headers a byte at a time, each within a read's timeout,
    is stopped all the same."""
    try:
        sock = socket.create_connection((address, port), timeout=_left(deadline))
    except OSError as error:
        raise Refused(f"{host} did not answer") from error
    current = [sock]  # wrapping for TLS moves the descriptor to a new object
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _shut, [current])
    watchdog.daemon = True
    watchdog.start()
    connection_class = http.client.HTTPConnection
    if scheme == "https":
        try:
            sock = current[0] = ssl.create_default_context().wrap_socket(
                sock, server_hostname=host)
        except (OSError, ssl.SSLError) as error:
            watchdog.cancel()
            sock.close()
            raise Refused(f"{host}: no valid TLS connection") from error
        connection_class = http.client.HTTPSConnection
    connection = connection_class(host, port, timeout=_left(deadline))
    connection.sock = sock  # already connected, to the address we checked
    return connection, watchdog


def _shut(current: list) -> None:
    with contextlib.suppress(OSError):  # already closed: the request ended in time
        current[0].shutdown(socket.SHUT_RDWR)


def _read(connection, response, max_bytes: int, deadline: float) -> bytes:
    chunks, size = [], 0
    while True:
        connection.sock.settimeout(_left(deadline))
        chunk = response.read1(CHUNK)
        if not chunk:
            # The watchdog's shutdown reads as the end of the answer: a cut
            # one is not an answer.
            _left(deadline)
            declared = response.getheader("Content-Length", "")
            if declared.isdigit() and size < int(declared):
                raise Refused("the answer ended before its length")
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise Refused(f"the answer is larger than {max_bytes} bytes")
        chunks.append(chunk)
