#!/usr/bin/python3
"""Runs a SIPVicious tool (Debian's sipvicious 0.3.3) from a chosen source address.

Usage: sipvicious_from.py SOURCE_IP svmap|svwar|svcrack ARGS...

svwar 0.3.3 accepts -b but never hands it to its scanner, which then sends from 127.0.0.1: on
the test stack that is an application server's address, not a stranger's. This wrapper gives
every scanner class the binding address before the tool's own main() runs.
"""
import sys

sys.path.insert(0, "/usr/share/sipvicious")

from sipvicious import svcrack, svmap, svwar  # noqa: E402

SCANNERS = {
    "svmap": (svmap, svmap.DrinkOrSip),
    "svwar": (svwar, svwar.TakeASip),
    "svcrack": (svcrack, svcrack.ASipOfRedWine),
}


def main():
    source_ip, tool = sys.argv[1], sys.argv[2]
    module, scanner = SCANNERS[tool]
    original_init = scanner.__init__

    def bound_init(self, *args, **kwargs):
        kwargs["bindingip"] = source_ip
        original_init(self, *args, **kwargs)

    scanner.__init__ = bound_init
    sys.argv = [tool] + sys.argv[3:]
    return module.main()


if __name__ == "__main__":
    sys.exit(main())
