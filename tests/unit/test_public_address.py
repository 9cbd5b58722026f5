"""The SSRF rule: which addresses a merchant webhook may be sent to."""

from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain.public_address import is_public_address

ipv4 = st.ip_addresses(v=4)
ipv6 = st.ip_addresses(v=6)


def _nat64(v4: IPv4Address) -> str:
    return str(IPv6Address((0x64FF9B << 96) | int(v4)))


def _six_to_four(v4: IPv4Address, tail: int) -> str:
    return str(IPv6Address((0x2002 << 112) | (int(v4) << 80) | tail))


def _mapped(v4: IPv4Address) -> str:
    return str(IPv6Address((0xFFFF << 32) | int(v4)))


def _teredo(server: IPv4Address, client: IPv4Address) -> str:
    # RFC 4380: 2001:0::/32, the server, flags and port, then the client XOR-ed with ones
    return str(IPv6Address((0x20010000 << 96) | (int(server) << 64) | (int(client) ^ 0xFFFFFFFF)))


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (a value, not a bind)
        "255.255.255.255",
        "224.0.0.251",
        "::",
        "::1",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::169.254.169.254",
        "::8.8.8.8",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::808:808",
        "2002:7f00:1::",
        "not an address",
        "",
    ],
)
def test_private_loopback_link_local_reserved_and_embedded_private_addresses_are_refused(
    address: str,
) -> None:
    assert is_public_address(address) is False


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1"],
)
def test_public_unicast_addresses_are_allowed(address: str) -> None:
    assert is_public_address(address) is True


@given(ipv4)
def test_an_ipv6_form_embedding_an_ipv4_address_is_judged_by_that_address(v4: IPv4Address) -> None:
    # Given any IPv4 address / When it is wrapped in NAT64, 6to4 or IPv4-mapped form
    # Then each form is public exactly when the IPv4 address is
    expected = is_public_address(str(v4))
    assert is_public_address(_nat64(v4)) is expected
    assert is_public_address(_six_to_four(v4, 1)) is expected
    assert is_public_address(_mapped(v4)) is expected


@given(ipv4, ipv4)
def test_a_teredo_address_is_public_only_when_server_and_client_are(
    server: IPv4Address, client: IPv4Address
) -> None:
    expected = is_public_address(str(server)) and is_public_address(str(client))
    assert is_public_address(_teredo(server, client)) is expected


@given(ipv4)
def test_an_ipv4_compatible_address_is_never_public(v4: IPv4Address) -> None:
    assert is_public_address(str(IPv6Address(int(v4)))) is False


@given(st.one_of(ipv4, ipv6))
def test_a_public_address_is_global_and_never_multicast(address: IPv4Address | IPv6Address) -> None:
    # Then whatever is allowed is neither multicast nor private in the stdlib's own judgement,
    # unless it is an embedding whose IPv4 address is public
    if is_public_address(str(address)):
        assert not address.is_multicast
        assert address.is_global or isinstance(address, IPv6Address)


@given(st.text(max_size=60))
def test_any_text_is_judged_without_error(text: str) -> None:
    assert is_public_address(text) in (True, False)
