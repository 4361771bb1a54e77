"""Load benchmark of the web service: `POST /v1/assess` at 200 connections on loopback.

    python bench/serve.py [--duration 30] [--connections 200] [--workers 2] [--mode both] [--repeat 1]
                          [--server uvicorn|uvicorn-shared|uvicorn-plain|granian|both|all] [--detail full|summary]

Starts the app in a subprocess on 127.0.0.1 (a temporary CHUJING_HOME, a fresh API token) under
  uvicorn         `chujing serve` (the default): uvicorn with httptools and uvloop, every waiting
                  connection accepted at once, a listening socket per worker (web/workers.py),
                  `POST /v1/assess` answered in the parser's callback (web/protocol.py);
  uvicorn-shared  `chujing serve --shared-socket`: the same protocol on uvicorn's own `--workers`
                  (one shared socket, uvloop's own accept);
  uvicorn-plain   plain `uvicorn --workers` (shared socket, every request through ASGI): the
                  default before session 5;
  granian         the Rust HTTP server from PyPI, same app (through ASGI), for comparison;
then drives it with Debian's `wrk` (apt-get install wrk), which costs far less CPU than a Python
client on the same two cores. Each request carries a
bearer token and a scenario. Modes:
  unique  — random head-counts in 8,192 bodies per wrk thread, cycled: more than the decision
            cache holds, so the engine runs on every request;
  repeat  — 24 fixed bodies: after the first round every answer comes from the decision cache
            (HTTP, token check and cache alone).
Reports requests/s, p50/p90/p99 latency and errors, with the machine's load average, and first
the CPU a distinct answer costs in process (no HTTP), which tells the engine's share from the server's.
Target (issue 7): p99 < 50 ms, no errors. Loopback only; bounded in time; the server is stopped
at the end.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Two scenario shapes from examples/: a SaaS company's user accounts, and a shop's orders.
TEMPLATES = [
    {"as_of": "2026-06-30", "processor": {"name": "北京某软件科技有限公司", "ciio": False, "sector": "software"},
     "transfer": {"date": "2026-06-30", "recipient": {"name": "Example Support Inc.", "country": "US"},
                  "scenario": "customer_service",
                  "data": [{"name": "user accounts", "kind": "personal_information", "subjects": "@A@",
                            "categories": ["name", "email", "phone"]}]},
     "history": [{"date": "2026-02-10", "kind": "personal_information", "subjects": "@B@", "grounds": []}]},
    {"as_of": "2025-09-15", "processor": {"name": "杭州某跨境电商有限公司", "ciio": False, "sector": "ecommerce"},
     "transfer": {"date": "2025-09-15", "recipient": {"name": "Overseas Fulfilment Ltd.", "country": "HK"},
                  "scenario": "customer_service", "grounds": ["contract"],
                  "data": [{"name": "orders", "kind": "personal_information", "subjects": "@A@",
                            "modality": "structured", "categories": ["name", "phone", "address"]},
                           {"name": "health notes", "kind": "sensitive_personal_information",
                            "subjects": "@B@"}]}},
]

LUA = r"""
local templates = { %(templates)s }
local token = "%(token)s"
local mode = "%(mode)s"
local path = "%(path)s"
-- Requests are formatted once per thread, so that wrk spends its share of the two cores on the
-- network, not on building bodies. unique: 8,192 different bodies per thread, cycled: more than
-- a worker's decision cache holds (2,048), so cycling through them never hits it.
local requests = {}
math.randomseed(os.time() + math.floor(os.clock() * 1e6) + tonumber(tostring({}):match("0x(%%x+)"), 16) %% 1000003)
local count = (mode == "repeat") and 24 or 8192
for i = 1, count do
  local t = templates[(i %% #templates) + 1]
  local a, b
  if mode == "repeat" then a, b = 50000 * i, 997 * i
  else a, b = math.random(0, 2000000), math.random(0, 20000) end
  local body = t:gsub("\"@A@\"", tostring(a)):gsub("\"@B@\"", tostring(b))
  requests[i] = wrk.format("POST", path, {["Content-Type"] = "application/json",
                           ["Authorization"] = "Bearer " .. token}, body)
end
local n = 0
request = function()
  n = n + 1
  return requests[(n %% count) + 1]
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVERS = {
    # The documented default, `chujing serve`: uvicorn with httptools' parser and uvloop, no access
    # log, and a listening socket per worker (SO_REUSEPORT: the kernel spreads connections evenly).
    "uvicorn": lambda port, workers: [
        sys.executable, "-m", "chujing", "serve", "--port", str(port), "--workers", str(workers)],
    # The same with uvicorn's own `--workers` socket handling: one listening socket, shared.
    "uvicorn-shared": lambda port, workers: [
        sys.executable, "-m", "chujing", "serve", "--port", str(port), "--workers", str(workers),
        "--shared-socket"],
    # Plain `uvicorn --workers`: one shared socket, every request through ASGI (before session 5).
    "uvicorn-plain": lambda port, workers: [
        sys.executable, "-m", "uvicorn", "chujing.web.app:app_from_env", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--http", "httptools", "--loop", "uvloop", "--no-access-log", "--log-level", "warning",
        "--backlog", "4096"],
    # Rust HTTP server (PyPI `granian`), same app over ASGI: for comparison only.
    "granian": lambda port, workers: [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
        "chujing.web.app:app_from_env", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--loop", "uvloop", "--no-access-log", "--log-level", "warning",
        "--backlog", "4096"],
}


def start_server(home: Path, port: int, workers: int, server: str) -> subprocess.Popen:
    sys.path.insert(0, str(ROOT / "src"))
    from chujing.web.settings import WebSettings

    settings = WebSettings(home=home, ledger_url=str(home / "ledger.sqlite"))
    env = {**os.environ, "CHUJING_HOME": str(home), "CHUJING_WEB_SETTINGS": settings.to_env(),
           "CHUJING_LEDGER": settings.ledger_url}
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(SERVERS[server](port, workers), env=env, cwd=ROOT, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{server} exited with status {proc.returncode}:\n"
                             + (home / "server.log").read_text(errors="replace")[-2000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("server did not start within 60 s")


def make_token(home: Path) -> str:
    from chujing.web.store import WebStore

    token, _ = WebStore(home / "web.sqlite").create_token("bench")
    return token


def lua_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(port: int, token: str, mode: str, path: str, duration: int, connections: int,
            threads: int, script_dir: Path) -> dict:
    templates = ", ".join(lua_string(json.dumps(t, ensure_ascii=False)) for t in TEMPLATES)
    script = script_dir / f"{mode}.lua"
    script.write_text(LUA % {"templates": templates, "token": token, "mode": mode, "path": path},
                      encoding="utf-8")
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
           "--latency", "-s", str(script), f"http://127.0.0.1:{port}{path}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = parse_wrk(out)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return r | {"client_cpu_us_per_request": cpu / max(r["requests"], 1) * 1e6, "raw": out}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v


def parse_wrk(out: str) -> dict:
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": int(total.group(1)) if total else 0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": _ms(lat.get("50", "")), "p90_ms": _ms(lat.get("90", "")), "p99_ms": _ms(lat.get("99", "")),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
    }


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return out


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU of the server and its workers so far (Linux /proc): the cost per request
    that the machine's other load does not change, unlike latency."""
    ticks = 0
    for p in _descendants(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def bench_server(server: str, args, modes: list[str], path: str) -> dict:
    home = Path(tempfile.mkdtemp(prefix="chujing-bench-"))
    port = free_port()
    token = make_token(home)
    proc = start_server(home, port, args.workers, server)
    results = {}
    try:
        for mode in modes:
            # Warm up: imports, rulebook, first requests in every worker.
            run_wrk(port, token, mode, path, 3, 20, 1, home)
            runs = []
            for k in range(max(1, args.repeat)):
                cpu = server_cpu_seconds(proc.pid)
                r = run_wrk(port, token, mode, path, args.duration, args.connections, args.threads, home)
                r["server_cpu_us_per_request"] = (server_cpu_seconds(proc.pid) - cpu) / max(r["requests"], 1) * 1e6
                r["load_average"] = load_average()
                runs.append(r)
                label = mode if args.repeat <= 1 else f"{mode} {k + 1}/{args.repeat}"
                _report(server, label, args.duration, r)
            runs.sort(key=lambda r: r["p99_ms"])
            results[mode] = dict(runs[(len(runs) - 1) // 2])  # the median run by p99
            if len(runs) > 1:
                results[mode]["runs_p99_ms"] = [r["p99_ms"] for r in runs]
                _report(server, f"{mode} median", args.duration, results[mode])
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(home, ignore_errors=True)
    return results


def _report(server: str, label: str, duration: int, r: dict) -> None:
    ok = r["p99_ms"] < 50 and r["non_2xx"] == 0 and r["socket_errors"] == 0
    print(f"{server:>14} {label:>7}: {r['requests']:,} requests in {duration}s = "
          f"{r['rps']:,.0f} req/s; p50 {r['p50_ms']:.1f} ms, p90 {r['p90_ms']:.1f} ms, "
          f"p99 {r['p99_ms']:.1f} ms; non-2xx {r['non_2xx']}, socket errors "
          f"{r['socket_errors']} [{'meets' if ok else 'misses'} target p99 < 50 ms, "
          f"no errors]; CPU per request: server {r['server_cpu_us_per_request']:.0f} µs, "
          f"wrk {r['client_cpu_us_per_request']:.0f} µs "
          f"(load average {r['load_average']})", flush=True)


def in_process(detail: str, n: int = 2000) -> float:
    """CPU µs per distinct answer without HTTP: validation, the engine and the JSON the handler
    writes (`assess_fast.answer` on bodies shaped like the *unique* mode's), best of 4 rounds."""
    import random

    sys.path.insert(0, str(ROOT / "src"))
    from chujing.rulebook import default_rulebook
    from chujing.web.assess_fast import Options, answer
    from chujing.web.services import DecisionCache

    class Web:  # what answer() reads: the rulebook and a decision cache
        book = default_rulebook()
        cache = DecisionCache(0)

    rnd = random.Random(1)
    texts = [json.dumps(t, ensure_ascii=False) for t in TEMPLATES]
    bodies = [texts[i % 2].replace('"@A@"', str(rnd.randint(0, 2_000_000)))
              .replace('"@B@"', str(rnd.randint(0, 20_000))).encode() for i in range(n * 5)]
    opts = Options(detail=detail)
    for b in bodies[:n]:  # warm: the rule set, its memos and classes
        assert answer(Web, b, opts)[0] == 200
    best = float("inf")
    for r in range(1, 5):
        t = time.process_time()
        for b in bodies[r * n:(r + 1) * n]:
            answer(Web, b, opts)
        best = min(best, (time.process_time() - t) / n)
    return best * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--mode", choices=["unique", "repeat", "both"], default="both")
    ap.add_argument("--server", choices=[*SERVERS, "both", "all"], default="uvicorn",
                    help="uvicorn (`chujing serve`: a socket per worker), uvicorn-shared (`chujing "
                         "serve --shared-socket`), uvicorn-plain (`uvicorn --workers`, all through "
                         "ASGI), granian; both: uvicorn and granian; all")
    ap.add_argument("--repeat", type=int, default=1,
                    help="wrk runs per mode against the same server; the median run by p99 is "
                         "reported, with every run's p99 (this VM's speed swings run to run)")
    ap.add_argument("--detail", choices=["full", "summary"], default="full",
                    help="full: the whole decision (~30 kB); summary: ?detail=summary (~2 kB)")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk: apt-get install wrk")
    servers = {"both": ["uvicorn", "granian"], "all": list(SERVERS)}.get(args.server, [args.server])
    if "granian" in servers and importlib.util.find_spec("granian") is None:
        print("granian is not installed (pip install granian): measuring uvicorn only")
        servers.remove("granian")
    modes = ["unique", "repeat"] if args.mode == "both" else [args.mode]
    path = "/v1/assess" + ("?detail=summary" if args.detail == "summary" else "")
    print(f"POST {path}: wrk -t{args.threads} -c{args.connections} -d{args.duration}s on loopback; "
          f"{args.workers} worker(s); cores: {os.cpu_count()}; load average {load_average()}; "
          f"target p99 < 50 ms with no errors", flush=True)
    if "unique" in modes:
        print(f"in process (no HTTP): {in_process(args.detail):,.0f} µs CPU per distinct {args.detail} answer "
              "(validation, engine, JSON; best of 4 rounds of 2,000)", flush=True)
    results = {server: bench_server(server, args, modes, path) for server in servers}
    if not results:
        raise SystemExit("no server to measure")
    print(json.dumps({srv: {mode: {k: v for k, v in r.items() if k != "raw"} for mode, r in res.items()}
                      for srv, res in results.items()}))


if __name__ == "__main__":
    main()
