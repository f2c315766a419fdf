#!/usr/bin/env python3
"""Checks kamailio.cfg's route[SOURCE_TRUNK] (and IP4_NETWORK, IP6_NIBBLES) against Python's
ipaddress for many addresses, without a network of them: the three routes are copied out of
kamailio-cfg/kamailio.cfg into a small Kamailio on 127.0.0.1 whose source address is taken from an
X-Source header instead of $si. Keys are written the way the control plane writes them (key_rows()
below is the reference), with kamcmd htable.sets into a table sized as in kamailio.cfg.

  bench/edge/source_trunk_check.py [--seed N] [--trunks N] [--queries N]

Prints the mismatches and exits 1 on any. Nothing is sent off 127.0.0.1: the addresses only
travel inside SIP headers.
"""

import argparse
import ipaddress
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROUTES = ("SOURCE_TRUNK", "IP4_NETWORK", "IP6_NIBBLES")


def key_rows(network, tag):
    """The htable mv keys of one trunk's inbound network: {key: tag} and its prefix length, if any."""
    if network.version == 4:
        if network.prefixlen == 32:
            return {f"s:{network.network_address}": tag}, None
        return {f"s:{network.network_address}/{network.prefixlen}": tag}, network.prefixlen
    rounded = -(-network.prefixlen // 4) * 4
    if rounded == 128:  # /125../128: each address as an exact key, no length in "s:6"
        return {f"s:{nibbles(address)}": tag for address in network}, None
    return {
        f"s:{nibbles(sub.network_address)[: rounded // 4]}/{rounded}": tag
        for sub in network.subnets(new_prefix=rounded)
    }, rounded


def nibbles(address):
    return address.exploded.replace(":", "")


def printed(address):
    """How Kamailio 5.6.3 prints a source address ($si): inet_ntop."""
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    return socket.inet_ntop(family, address.packed)


def routes_from_cfg(from_header=True):
    """The routes, reading the source address from X-Source instead of the packet if from_header."""
    text = open(os.path.join(ROOT, "kamailio-cfg", "kamailio.cfg")).read()
    out = []
    for name in ROUTES:
        match = re.search(r"^route\[" + name + r"\] \{\n.*?^\}\n", text, re.S | re.M)
        if not match:
            sys.exit(f"route[{name}] not found in kamailio.cfg")
        out.append(match.group(0))
    routes = "\n".join(out)
    if routes.count("$si") != 1 or routes.count("af == INET6") != 1:
        sys.exit("route[SOURCE_TRUNK] should read $si and test af == INET6 exactly once")
    if not from_header:
        return routes
    return routes.replace("$si", "$hdr(X-Source)").replace("af == INET6", '$hdr(X-Source) =~ ":"')


def harness_cfg(port, ctl):
    return f"""#!KAMAILIO
debug=2
log_stderror=yes
children=1
max_while_loops=100000
listen=udp:127.0.0.1:{port}
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "textops.so"
loadmodule "ctl.so"
loadmodule "htable.so"
modparam("ctl", "binrpc", "unix:{ctl}")
modparam("htable", "htable", "mv=>size=17;")
request_route {{
	if (is_present_hf("X-Nibbles")) {{
		$var(mv_ip6) = $hdr(X-Nibbles);
		route(IP6_NIBBLES);
		sl_send_reply("200", "$var(mv_nibbles)");
		exit;
	}}
	if (route(SOURCE_TRUNK)) {{
		sl_send_reply("200", "$avp(mv_peer_tag)");
		exit;
	}}
	sl_send_reply("404", "no trunk");
}}
{routes_from_cfg()}
"""


class Harness:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mv-srcmatch.")
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.ctl = os.path.join(self.dir, "ctl")
        cfg = os.path.join(self.dir, "check.cfg")
        with open(cfg, "w") as f:
            f.write(harness_cfg(self.port, self.ctl))
        self.log = open(os.path.join(self.dir, "kamailio.log"), "w")
        self.proc = subprocess.Popen(
            ["kamailio", "-f", cfg, "-DD", "-E", "-Y", self.dir, "-m", "128", "-M", "16"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(2)
        self.sequence = 0
        for _ in range(100):
            if os.path.exists(self.ctl):
                return
            time.sleep(0.1)
        self.close()
        sys.exit("the harness kamailio did not start:\n" + open(self.log.name).read())

    def close(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def set_key(self, key, value):
        # kamcmd reads "s:..." as a type prefix (a string), so every key and value gets one more.
        subprocess.run(["kamcmd", "-s", self.ctl, "htable.sets", "mv", "s:" + key, "s:" + value],
                       check=True, stdout=subprocess.DEVNULL)

    def ask(self, header, value):
        """(status, reason) of an OPTIONS carrying `header: value`."""
        self.sequence += 1
        local = self.sock.getsockname()[1]
        message = (
            f"OPTIONS sip:check@127.0.0.1:{self.port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK-{self.sequence}\r\n"
            f"From: <sip:check@127.0.0.1>;tag={self.sequence}\r\n"
            f"To: <sip:check@127.0.0.1>\r\nCall-ID: check-{self.sequence}\r\n"
            f"CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n{header}: {value}\r\nContent-Length: 0\r\n\r\n")
        self.sock.sendto(message.encode(), ("127.0.0.1", self.port))
        status_line = self.sock.recv(65535).decode().split("\r\n", 1)[0]
        _, status, reason = status_line.split(" ", 2)
        return status, reason


def random_ipv6(rng):
    """Mostly zero groups, so every place and length of "::" comes up."""
    groups = [0 if rng.random() < 0.5 else rng.choice([1, 0xF, 0xAB, 0xFFF, 0x1000, rng.getrandbits(16)])
              for _ in range(8)]
    return ipaddress.IPv6Address(b"".join(g.to_bytes(2, "big") for g in groups))


def spellings(address):
    """Every way an IPv6 address may be printed: inet_ntop (Kamailio's default "c" style, dotted
    tails included), Kamailio's "a"/"A" styles (all 8 groups, no leading zeros), full exploded."""
    full_groups = ":".join(f"{int(g, 16):x}" for g in address.exploded.split(":"))
    return {printed(address), address.compressed, address.exploded, address.exploded.upper(),
            full_groups, full_groups.upper()}


def check_nibbles(harness, rng, count):
    failures = []
    addresses = [ipaddress.IPv6Address(a) for a in (
        "::", "::1", "1::", "2001:db8::", "::ffff:127.0.0.1", "::1.2.3.4", "::ffff:0:0",
        "64:ff9b::192.0.2.1", "fe80::1:2", "2001:db8:0:1:0:0:0:1", "1:2:3:4:5:6:7:8",
        "0:1:0:1:0:1:0:1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    addresses += [random_ipv6(rng) for _ in range(count)]
    asked = 0
    for address in addresses:
        for spelling in sorted(spellings(address)):
            asked += 1
            _, got = harness.ask("X-Nibbles", spelling)
            if got != nibbles(address):
                failures.append(f"IP6_NIBBLES {spelling}: got {got}, want {nibbles(address)}")
    return asked, failures


def random_network(rng, version):
    if version == 4:
        length = rng.choice([32] * 6 + list(range(1, 32)))
        base = ipaddress.IPv4Address(rng.choice([127, 10, 100, 198]) << 24 | rng.getrandbits(24))
    else:
        length = rng.choice([128, 127, 126, 125, 64, 64, 48, 56, 60, 45, 47, 32, 33, 29, 121, 124, 1, 3, 16])
        base = ipaddress.IPv6Address(0x2001_0DB8 << 96 | rng.getrandbits(96) >> rng.choice([0, 40, 80]))
    return ipaddress.ip_network(f"{base}/{length}", strict=False)


def key_class(network):
    if network.version == 4:
        return network.prefixlen
    return -(-network.prefixlen // 4) * 4


def build_trunks(rng, count):
    """Trunks with distinct networks; nested networks only when their keys cannot collide (a
    different length, after rounding for IPv6: the control plane has to settle collisions)."""
    trunks = []
    while len(trunks) < count:
        network = random_network(rng, rng.choice([4, 6]))
        if any(network.version == other.version and key_class(network) == key_class(other)
               and network.overlaps(other) for other, _ in trunks):
            continue
        trunks.append((network, f"trunk{len(trunks)},cust{len(trunks) % 7}"))
    return trunks


def expected_tag(trunks, address):
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    best = None
    for network, tag in trunks:
        if network.version == address.version and address in network:
            if best is None or key_class(network) > key_class(best[0]):
                best = (network, tag)
    return best[1] if best else None


def query_addresses(rng, trunks, count):
    queries = []
    for network, _ in trunks:
        queries += [network.network_address, network.broadcast_address,
                    network[rng.randrange(network.num_addresses)]]
        # Just outside the network on both sides.
        if int(network.network_address) > 0:
            queries.append(network.network_address - 1)
        if int(network.broadcast_address) < (1 << network.max_prefixlen) - 1:
            queries.append(network.broadcast_address + 1)
    for _ in range(count):
        network, _ = rng.choice(trunks)
        queries.append(random_network(rng, network.version).network_address)
    # IPv4 sources as an IPv6 wildcard socket prints them (::ffff:a.b.c.d).
    queries += [ipaddress.IPv6Address("::ffff:" + str(q)) for q in queries if q.version == 4][:count]
    return queries


def check_source_trunk(harness, rng, trunk_count, query_count):
    trunks = build_trunks(rng, trunk_count)
    queries = query_addresses(rng, trunks, query_count)
    failures = []
    # An empty table: no source matches (the "s:4"/"s:6" lookups of a missing key included).
    for address in queries[:50]:
        status, reason = harness.ask("X-Source", printed(address))
        if status != "404":
            failures.append(f"empty table: {printed(address)} got {status} {reason}")
    keys, lengths = {}, {4: set(), 6: set()}
    for network, tag in trunks:
        rows, length = key_rows(network, tag)
        keys.update(rows)
        if length is not None:
            lengths[network.version].add(length)
    for key, tag in keys.items():
        harness.set_key(key, tag)
    for version in (4, 6):
        if lengths[version]:
            harness.set_key(f"s:{version}", "|".join(str(l) for l in sorted(lengths[version], reverse=True)))
    for address in queries:
        want = expected_tag(trunks, address)
        status, reason = harness.ask("X-Source", printed(address))
        got = reason if status == "200" else None
        if got != want:
            failures.append(f"SOURCE_TRUNK {printed(address)}: got {got}, want {want}")
    return len(trunks), len(keys), len(queries), lengths, failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--trunks", type=int, default=300)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    harness = Harness()
    try:
        asked, failures = check_nibbles(harness, rng, args.queries)
        print(f"IP6_NIBBLES: {asked} spellings, {len(failures)} wrong")
        trunks, keys, queries, lengths, more = check_source_trunk(harness, rng, args.trunks, args.queries)
        print(f"SOURCE_TRUNK: {trunks} trunks, {keys} keys, s:4={sorted(lengths[4], reverse=True)}, "
              f"s:6={sorted(lengths[6], reverse=True)}, {queries} sources, {len(more)} wrong")
        failures += more
    finally:
        harness.close()
    for failure in failures[:50]:
        print(failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
