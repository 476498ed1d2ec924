"""The private-network guard: address classification and the resolver wrapper."""

from __future__ import annotations

from ipaddress import ip_address

import pytest
from fetch_support import MapResolver

from feedsvc.fetch import AddressGuard, BlockedHostError, GuardedResolver, blocked_reason

# Real public addresses, used only as strings: nothing here opens a connection.
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("::ffff:127.0.0.1", "loopback IPv4 127.0.0.1 inside IPv6"),
        ("::ffff:10.0.0.1", "private IPv4 10.0.0.1 inside IPv6"),
        ("2002:7f00:1::", "loopback IPv4 127.0.0.1 inside IPv6"),  # 6to4
        ("64:ff9b::a9fe:a9fe", "link-local IPv4 169.254.169.254 inside IPv6"),  # NAT64
    ],
)
def test_blocked_addresses(address: str, reason: str) -> None:
    assert blocked_reason(ip_address(address)) == reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ip_address(address)) is None


def test_exempt_networks_and_ip_literals() -> None:
    guard = AddressGuard(["127.0.0.1/32"])
    assert guard.reason("127.0.0.1") is None
    assert guard.reason("127.0.0.2") == "loopback"
    guard.check_host("127.0.0.1")
    guard.check_host("news.example.com")  # names are the resolver's job
    with pytest.raises(BlockedHostError, match=r"'\[::1\]'.*::1 \(loopback\)"):
        guard.check_host("[::1]")


async def test_resolver_drops_blocked_addresses_and_keeps_public_ones() -> None:
    inner = MapResolver({"mixed.test": ["10.0.0.5", "93.184.216.34"]})
    answer = await GuardedResolver(inner).resolve("mixed.test", 80)
    assert [result["host"] for result in answer] == ["93.184.216.34"]


async def test_resolver_refuses_a_host_with_only_blocked_addresses() -> None:
    inner = MapResolver({"intranet.test": ["10.0.0.5", "::1"]})
    with pytest.raises(BlockedHostError) as caught:
        await GuardedResolver(inner).resolve("intranet.test", 80)
    assert caught.value.host == "intranet.test"
    assert caught.value.refused == [("10.0.0.5", "private"), ("::1", "loopback")]
    assert "intranet.test" in str(caught.value)
    assert "10.0.0.5 (private)" in str(caught.value)


async def test_every_resolution_is_checked_so_dns_rebinding_is_caught() -> None:
    inner = MapResolver({"rebind.test": "93.184.216.34"})
    resolver = GuardedResolver(inner)
    assert (await resolver.resolve("rebind.test", 80))[0]["host"] == "93.184.216.34"
    inner.mapping["rebind.test"] = "127.0.0.1"  # the attacker's DNS changes its answer
    with pytest.raises(BlockedHostError, match="loopback"):
        await resolver.resolve("rebind.test", 80)
    assert inner.calls == ["rebind.test", "rebind.test"]
