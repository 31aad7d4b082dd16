#!/usr/bin/env python3
"""Hostile clients against `mldeck serve` or `mldeck server` on loopback, bounded in count and time
(standard library only). Used by Tests/EndToEndTests/Faults/HostileServerEndToEndTests.swift.

    hostile_http.py BASE_URL serve|server [ARTIFACT_PREFIX]

While each attack runs, a normal client asks GET /health every 100 ms and records how long each
answer took. Prints one JSON object: per attack the statuses seen ("closed" when the server shut
the connection without an answer, "timeout" when it never answered) and the normal client's worst
latency and failures. ARTIFACT_PREFIX (server mode) is `<experiment>/<run>/artifacts` of a run with
an artifact `notes.txt`.
"""
import http.client
import json
import os
import socket
import sys
import threading
import time
from urllib.parse import urlparse

BASE = urlparse(sys.argv[1])
MODE = sys.argv[2]
ARTIFACTS = sys.argv[3] if len(sys.argv) > 3 else ""
HOST, PORT = BASE.hostname, BASE.port
SECRET = "mldeck-hostile-secret"


def raw(request: bytes, timeout=20.0):
    """Sends raw bytes; the status code as text, 'closed' or 'timeout', and the body."""
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    try:
        try:
            s.sendall(request)
        except (ConnectionResetError, BrokenPipeError):
            pass  # the server may answer (413) and close before the whole body is sent
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                length = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if length and len(body) >= int(length[0].split(b":")[1]):
                    break
        if not data:
            return "closed", ""
        status = data.split(b" ", 2)[1].decode()
        return status, data.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")
    except (ConnectionResetError, BrokenPipeError):
        return "closed", ""
    except socket.timeout:
        return "timeout", ""
    finally:
        s.close()


def request(method, path, body=b"", headers=None, timeout=20.0):
    h = {"Host": f"{HOST}:{PORT}", "Connection": "close"}
    if body or method in ("POST", "PUT"):
        h["Content-Length"] = str(len(body))
        h.setdefault("Content-Type", "application/json")
    h.update(headers or {})
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    return raw(head.encode("latin-1") + body, timeout)


class NormalClient(threading.Thread):
    """GET /health every 100 ms; records the latencies and failures."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.latencies, self.failures = [], []

    def run(self):
        while not self.stop.is_set():
            start = time.monotonic()
            try:
                c = http.client.HTTPConnection(HOST, PORT, timeout=30)
                c.request("GET", "/health")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status != 200:
                    self.failures.append(r.status)
            except Exception as e:  # noqa: BLE001 - any failure of the normal client counts
                self.failures.append(type(e).__name__)
            self.latencies.append(time.monotonic() - start)
            self.stop.wait(0.1)


def attack(name, body, results):
    normal = NormalClient()
    normal.start()
    started = time.monotonic()
    try:
        seen = body()
    except Exception as e:  # noqa: BLE001
        seen = [f"client error {type(e).__name__}: {e}"]
    normal.stop.set()
    normal.join()
    results[name] = {"statuses": sorted(set(map(str, seen))), "seconds": round(time.monotonic() - started, 2),
                     "normal_max_latency": round(max(normal.latencies or [0]), 3),
                     "normal_requests": len(normal.latencies), "normal_failures": normal.failures}


# MLDECK_SOAK=1 (`make soak`): the long form, more connections for longer and a bigger flood.
SOAK = os.environ.get("MLDECK_SOAK") == "1"


def slowloris(connections=400 if SOAK else 150, seconds=45.0 if SOAK else 8.0):
    """Many connections sending a request head one byte at a time, never finishing it."""
    socks = []
    for _ in range(connections):
        try:
            socks.append(socket.create_connection((HOST, PORT), timeout=5))
        except OSError:
            break
    head = b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 4000
    end = time.monotonic() + seconds
    i = 0
    closed = 0
    while time.monotonic() < end and socks:
        for s in list(socks):
            try:
                s.send(head[i % len(head):i % len(head) + 1])
            except OSError:
                socks.remove(s)
                closed += 1
        i += 1
        time.sleep(0.05)
    for s in socks:
        s.close()
    return [f"opened {connections}", f"closed by server {closed}"] if closed else [f"opened {connections}"]


def flood(threads=64 if SOAK else 48, per_thread=250 if SOAK else 25):
    """More concurrent requests than the server has workers, each a real scoring request."""
    path, body = ("/invocations", json.dumps(SCORE).encode()) if MODE == "serve" else \
        ("/api/2.0/mlflow/experiments/search", json.dumps({"max_results": 10}).encode())
    seen, lock = [], threading.Lock()

    def worker():
        for _ in range(per_thread):
            status, _ = request("POST", path, body, timeout=60)
            with lock:
                seen.append(status)

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return seen


SCORE = {"dataframe_records": [{"customer_id": "C1", "age": 41, "income": 52000.5, "member": True,
                                "joined": "2021-03-04", "plan": "basic", "city": "city-03"}]}


def main():
    results = {}
    post = "/invocations" if MODE == "serve" else "/api/2.0/mlflow/runs/search"
    attack("slowloris", slowloris, results)
    attack("oversized header", lambda: [request("GET", "/health", headers={"X-Big": "a" * 200_000})[0],
                                        request("GET", "/health", headers={f"X-H{i}": "v" for i in range(3000)})[0]], results)
    attack("oversized body", lambda: [request("POST", post, b"[" + b"1," * 30_000_000 + b"1]")[0],
                                      raw(f"POST {post} HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{{".encode(), 10)[0]], results)
    attack("malformed json", lambda: [request("POST", post, b)[0] for b in
                                      [b"{", b"{\"a\":", b"nul", b"{\"dataframe_records\": [1,2,}", b"\"\\ud800\"", b"1e99999",
                                       b"{\"max_results\": 1e400}", b"{\"max_results\": -1}", b"{\"max_results\": \"x\"}"]], results)
    attack("deeply nested json", lambda: [request("POST", post, b"[" * 200_000 + b"]" * 200_000)[0],
                                          request("POST", post, b"{\"a\":" * 100_000 + b"1" + b"}" * 100_000)[0]], results)
    attack("invalid utf-8", lambda: [request("POST", post, b"{\"dataframe_records\": [{\"plan\": \"\xff\xfe\xc3\x28\"}]}")[0],
                                     request("POST", post, b"{\"filter\": \"\xed\xa0\x80\"}")[0],
                                     request("GET", "/health?x=%ff%fe")[0],
                                     raw(b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nX-Bad: \xff\xc3\x28\r\nConnection: close\r\n\r\n")[0]], results)
    if MODE == "server" and ARTIFACTS:
        a = "/api/2.0/mlflow-artifacts/artifacts"
        traversal = [f"{a}/{ARTIFACTS}/../../../../../../etc/passwd", f"{a}/{ARTIFACTS}/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                     f"{a}/{ARTIFACTS}/%252e%252e/%252e%252e/etc/passwd", f"{a}/{ARTIFACTS}/..%2f..%2f..%2fetc%2fpasswd",
                     f"{a}//etc/passwd", f"{a}/%2fetc%2fpasswd", f"{a}/{ARTIFACTS}/%2fetc%2fpasswd",
                     f"{a}/{ARTIFACTS}/notes.txt%00.png", f"{a}/{ARTIFACTS}/..\\..\\etc\\passwd",
                     f"{a}?path=/etc/passwd", f"{a}?path=../../../etc", f"{a}?path={ARTIFACTS}/../../..",
                     f"{a}?path=%2e%2e%2f%2e%2e", f"{a}/{ARTIFACTS}/planted"]
        answers = [(p, *request("GET", p)) for p in traversal]
        answers += [(p, *request("PUT", p, b"overwrite")) for p in traversal[:9]]
        results["path traversal"] = {
                                     "leaked": [p for p, _, body in answers if "root:x:0:0" in body or SECRET in body],
                                     "answers": {f"{p} ": s for p, s, _ in answers}}
        results["artifact"] = dict(zip(("status", "body"), request("GET", f"{a}/{ARTIFACTS}/notes.txt")))
    attack("flood", flood, results)
    results["health after"] = request("GET", "/health")[0]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
