"""Whether an IP address is one we may send a merchant's webhook to (the SSRF rule).

Only a public unicast address qualifies. IPv6 forms that carry an IPv4 address inside them
(IPv4-mapped, SIIT-translated, NAT64, 6to4, Teredo) reach that IPv4 address in the end, so
they are judged by it: `64:ff9b::a9fe:a9fe` is the cloud metadata service, not a public
host. The deprecated IPv4-compatible form (`::a.b.c.d`, RFC 4291) is refused outright: no
endpoint uses it and some stacks still route it to the embedded address.
"""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Address, IPv6Address, IPv6Network

_NAT64 = IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix
_NAT64_LOCAL = IPv6Network("64:ff9b:1::/48")  # RFC 8215 local-use: an operator's own network
_IPV4_COMPATIBLE = IPv6Network("::/96")
_SIIT = IPv6Network("::ffff:0:0:0/96")  # RFC 2765 IPv4-translated


def is_public_address(text: str) -> bool:
    """True for a public unicast IPv4 or IPv6 address; False for anything else, unparsable
    text included."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(address, IPv4Address):
        return _public_v4(address)
    embedded = embedded_ipv4(address)
    if embedded is not None:
        return bool(embedded) and all(_public_v4(a) for a in embedded)
    return address.is_global and not address.is_multicast


def embedded_ipv4(address: IPv6Address) -> list[IPv4Address] | None:
    """The IPv4 addresses an IPv6 address leads to; None when it is plain IPv6, an empty list
    when it embeds one but may never be used (IPv4-compatible, local-use NAT64)."""
    low32 = IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in _SIIT or address in _NAT64:
        return [low32]
    if address in _NAT64_LOCAL or address in _IPV4_COMPATIBLE:
        return []
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        server, client = address.teredo
        return [server, client]
    return None


def _public_v4(address: IPv4Address) -> bool:
    return address.is_global and not address.is_multicast and not address.is_reserved
