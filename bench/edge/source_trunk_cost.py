#!/usr/bin/env python3
"""Cost of one inbound source match at 100k trunks: route SOURCE_TRUNK (htable mv, copied out of
kamailio-cfg/kamailio.cfg) against permissions' allow_source_address, in one Kamailio on
127.0.0.1 / ::1 that holds both tables. Each OPTIONS runs the lookup --iterations times in a
while loop; one lookup costs (its round trip - the round trip of an empty loop) / iterations,
medians over --rounds OPTIONS per case, the cases interleaved.

  bench/edge/source_trunk_cost.py [--trunks 100000] [--iterations 1000] [--rounds 100]

The htable is loaded from a private redis-server through db_redis as in kamailio.cfg; the
address table from permissions' address_file. Table contents (like measurement Q3): exact
addresses in 10/8, 1% networks each of /30, /28 and /24, "s:4" = "30|28|24"; the sources are
127.0.0.2 (exact key), 127.32.5.77 (a /24: three misses first), 127.9.9.9 (no trunk) and ::1.
"""

import argparse
import ipaddress
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from source_trunk_check import nibbles, routes_from_cfg  # noqa: E402


def free_port():
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def tables(trunks, rng):
    """(htable rows {key: value}, permissions address_file lines)."""
    rows, lines = {}, []
    networks = max(1, trunks // 100)
    fixed = [("127.0.0.2", 32, "trunk_exact,cust_a"), ("127.32.5.0", 24, "trunk_24,cust_d"),
             ("::1", 128, "trunk_v6,cust_e")]
    for address, length, tag in fixed:
        lines.append(f"1 {address} {length} 0 {tag}")
    rows["s:127.0.0.2"] = "trunk_exact,cust_a"
    rows["s:127.32.5.0/24"] = "trunk_24,cust_d"
    rows["s:" + nibbles(ipaddress.IPv6Address("::1"))] = "trunk_v6,cust_e"
    used = set()
    for n in range(trunks - len(fixed)):
        length = 30 if n < networks else 28 if n < 2 * networks else 24 if n < 3 * networks else 32
        while True:
            address = ipaddress.ip_network(f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}/{length}",
                                           strict=False)
            if (address.network_address, length) not in used:
                used.add((address.network_address, length))
                break
        tag = f"trunk{n},cust{n % 1000}"
        lines.append(f"1 {address.network_address} {length} 0 {tag}")
        key = f"s:{address.network_address}" if length == 32 else f"s:{address}"
        rows[key] = tag
    rows["s:4"] = "30|28|24"
    return rows, lines


def harness_cfg(port, redis_port, directory):
    return f"""#!KAMAILIO
debug=2
log_stderror=yes
children=1
max_while_loops=100000
listen=udp:127.0.0.1:{port}
listen=udp:[::1]:{port}
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "textops.so"
loadmodule "ctl.so"
loadmodule "db_redis.so"
loadmodule "htable.so"
loadmodule "permissions.so"
modparam("ctl", "binrpc", "unix:{directory}/ctl")
modparam("db_redis", "keys", "htable=entry:id")
modparam("htable", "db_url", "redis://127.0.0.1:{redis_port}/1")
modparam("htable", "fetch_rows", 1000)
modparam("htable", "htable", "mv=>size=17;dbtable=htable;")
modparam("permissions", "address_file", "{directory}/address.list")
modparam("permissions", "peer_tag_avp", "$avp(mv_peer_tag)")
modparam("permissions", "max_subnets", 65536)
request_route {{
	$var(bench_n) = $(hdr(X-Iter){{s.int}});
	$var(bench_i) = 0;
	if ($hdr(X-Mode) == "perm") {{
		while ($var(bench_i) < $var(bench_n)) {{
			allow_source_address("1");
			$var(bench_i) = $var(bench_i) + 1;
		}}
	}} else if ($hdr(X-Mode) == "ht") {{
		while ($var(bench_i) < $var(bench_n)) {{
			route(SOURCE_TRUNK);
			$var(bench_i) = $var(bench_i) + 1;
		}}
	}} else {{
		while ($var(bench_i) < $var(bench_n)) {{
			$var(bench_i) = $var(bench_i) + 1;
		}}
	}}
	if (($hdr(X-Mode) == "perm" && allow_source_address("1")) || ($hdr(X-Mode) == "ht" && route(SOURCE_TRUNK))) {{
		sl_send_reply("200", "$avp(mv_peer_tag)");
		exit;
	}}
	sl_send_reply("404", "none");
}}
{routes_from_cfg(from_header=False)}
"""


class Client:
    def __init__(self, source, port):
        family = socket.AF_INET6 if ":" in source else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((source, 0))
        self.sock.settimeout(30)
        self.source, self.port, self.sequence = source, port, 0
        self.host = f"[{source}]" if ":" in source else source
        self.destination = ("::1" if ":" in source else "127.0.0.1", port)

    def ask(self, mode, iterations):
        self.sequence += 1
        local = self.sock.getsockname()[1]
        message = (
            f"OPTIONS sip:bench@{self.host}:{self.port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {self.host}:{local};branch=z9hG4bK-{self.sequence}\r\n"
            f"From: <sip:bench@{self.host}>;tag={self.sequence}\r\nTo: <sip:bench@{self.host}>\r\n"
            f"Call-ID: bench-{self.sequence}@{self.host}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
            f"X-Mode: {mode}\r\nX-Iter: {iterations}\r\nContent-Length: 0\r\n\r\n").encode()
        start = time.perf_counter()
        self.sock.sendto(message, self.destination)
        reply = self.sock.recv(65535).decode()
        return time.perf_counter() - start, reply.split("\r\n", 1)[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trunks", type=int, default=100000)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(7)
    directory = tempfile.mkdtemp(prefix="mv-srcmatch-cost.")
    started = []
    try:
        rows, lines = tables(args.trunks, rng)
        with open(f"{directory}/address.list", "w") as f:
            f.write("\n".join(lines) + "\n")
        redis_port = free_port()
        started.append(subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--logfile", f"{directory}/redis.log"]))
        time.sleep(0.5)
        # db_redis drops the last 1,000 rows of a table holding a multiple of 1,000.
        if len(rows) % 1000 == 0:
            rows["padding"] = "0"
        commands = "".join(
            f"HSET htable:entry::{i} id {i} key_name {key} key_type 0 value_type 0 key_value {value} expires 0\n"
            for i, (key, value) in enumerate(rows.items(), 1))
        subprocess.run(["redis-cli", "-p", str(redis_port), "-n", "1", "--pipe"], input=commands.encode(),
                       check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        with open(f"{directory}/bench.cfg", "w") as f:
            f.write(harness_cfg(port, redis_port, directory))
        log = open(f"{directory}/kamailio.log", "w")
        started.append(subprocess.Popen(["kamailio", "-f", f"{directory}/bench.cfg", "-DD", "-E", "-Y", directory,
                                         "-m", "1024", "-M", "256"], stdout=log, stderr=subprocess.STDOUT))
        clients = {s: Client(s, port) for s in ("127.0.0.2", "127.32.5.77", "127.9.9.9", "::1")}
        for _ in range(600):
            try:
                clients["127.0.0.2"].sock.settimeout(0.2)
                clients["127.0.0.2"].ask("none", 0)
                clients["127.0.0.2"].sock.settimeout(30)
                break
            except OSError:
                time.sleep(0.1)
        stats = subprocess.run(["kamcmd", "-s", f"{directory}/ctl", "htable.stats"], capture_output=True,
                               text=True).stdout
        print(f"{args.trunks} trunks, {len(rows)} htable rows; htable.stats:",
              " ".join(line.strip() for line in stats.splitlines() if "name" in line or "items" in line
                       or "max" in line))
        cases = [(source, mode) for source in clients for mode in ("none", "perm", "ht")]
        answers = {case: clients[case[0]].ask(case[1], 0)[1] for case in cases}
        times = {case: [] for case in cases}
        for _ in range(args.rounds):
            for case in cases:
                times[case].append(clients[case[0]].ask(case[1], args.iterations)[0])
        print(f"per lookup, microseconds (median of {args.rounds} OPTIONS x {args.iterations} lookups,"
              " minus the empty loop from the same source):")
        for source in clients:
            empty = statistics.median(times[(source, "none")])
            perm = (statistics.median(times[(source, "perm")]) - empty) / args.iterations * 1e6
            ht = (statistics.median(times[(source, "ht")]) - empty) / args.iterations * 1e6
            print(f"  {source:12} allow_source_address {perm:6.2f} ({answers[(source, 'perm')]})"
                  f"  SOURCE_TRUNK {ht:6.2f} ({answers[(source, 'ht')]})  ratio {ht / perm if perm > 0 else 0:.2f}")
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
