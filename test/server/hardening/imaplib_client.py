"""Runs XEXEC through Python's imaplib (issue 9, finding 7).

Reads JSON from stdin: {"port": N, "user": "...", "password": "...",
"module": "emit", "lines": ["<hex>", ...]}. For every line it sends
`XEXEC <module> <hex>` (the emit test module writes the decoded bytes as one
output line), then one command with all lines, then NOOP. Prints JSON: for
each command the tagged status and text and the untagged XEXEC data as imaplib
stored it (latin-1 text, a literal it thought it saw as a [head, literal]
pair). A socket timeout ends the run with {"error": ...}: that is what a line
taken for a literal announcement does to imaplib. The password is never
printed.
"""
import imaplib
import json
import sys


def text(item):
    if isinstance(item, tuple):
        return [text(x) for x in item]
    if isinstance(item, bytes):
        return item.decode("latin-1")
    return item


def run(m, module, args):
    m.untagged_responses.clear()
    typ, dat = m._simple_command("XEXEC", module, *args)
    return {
        "status": typ,
        "tagged": text(dat[0]) if dat else None,
        "xexec": [text(x) for x in m.untagged_responses.pop("XEXEC", [])],
    }


def main():
    req = json.load(sys.stdin)
    imaplib.Commands["XEXEC"] = ("AUTH", "SELECTED")
    out = {"each": [], "all": None, "noop": None}
    m = imaplib.IMAP4("127.0.0.1", req["port"], timeout=20)
    try:
        m.login(req["user"], req["password"])
        for line in req["lines"]:
            out["each"].append(run(m, req["module"], [line]))
        out["all"] = run(m, req["module"], req["lines"])
        typ, _ = m.noop()
        out["noop"] = typ
        m.logout()
    except Exception as e:  # noqa: BLE001 - every failure is the answer
        out["error"] = "%s: %s" % (type(e).__name__, e)
    json.dump(out, sys.stdout)


main()
