#!/usr/bin/env python3
"""A null MLflow tracking server: HTTP/1.1 with keep-alive that answers every REST call at once
with the least JSON the MLflow Python client accepts, and stores nothing. The MLflow client's
throughput against it is the client's own ceiling; scripts/bench/mlflow_client_bench.py against
a real server, divided into that ceiling, is what the server adds to a script's time (issue 14:
log_batch within 1.2x of the ceiling).

Answers: runs/create and runs/get a RUNNING run (run_id, experiment_id, status, start_time,
artifact_uri, lifecycle_stage); every other call `{}` (200). Standard library only: asyncio
streams, one thread.

  python scripts/bench/mlflow_null_server.py [--port 5092] [--host 127.0.0.1] [--log]

Prints "mlflow_null_server.py: listening on http://HOST:PORT" once listening (--port 0 picks a
free port); --log prints each request's method and path to standard error.
"""
import argparse
import asyncio
import json
import sys
import time
import uuid


def run_answer(run_id):
    """The least `{"run": …}` the client reads: RunInfo's required fields, no data."""
    return json.dumps({"run": {
        "info": {"run_id": run_id, "run_uuid": run_id, "experiment_id": "0", "status": "RUNNING",
                 "start_time": str(int(time.time() * 1000)), "artifact_uri": f"mlflow-artifacts:/0/{run_id}/artifacts",
                 "lifecycle_stage": "active", "run_name": "null"},
        "data": {}}}).encode()


def answer(method, path, query):
    if path.endswith("/runs/create"):
        return run_answer(uuid.uuid4().hex)
    if path.endswith("/runs/get"):
        run_id = next((v for k, v in (p.split("=", 1) for p in query.split("&") if "=" in p) if k in ("run_id", "run_uuid")), "0" * 32)
        return run_answer(run_id)
    return b"{}"


async def serve_connection(reader, writer, log):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            length, close = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip())
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
                elif name == "transfer-encoding" and "chunked" in value.lower():
                    await read_chunked(reader)
            if length:
                await reader.readexactly(length)
            path, _, query = target.partition("?")
            if log:
                print(f"{method} {path}", file=sys.stderr, flush=True)
            body = answer(method, path, query)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n"
                         % (len(body), b"Connection: close\r\n" if close else b"") + body)
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def read_chunked(reader):
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5092)
    parser.add_argument("--log", action="store_true", help="print each request's method and path to standard error")
    args = parser.parse_args()
    server = await asyncio.start_server(lambda r, w: serve_connection(r, w, args.log), args.host, args.port)
    host, port = server.sockets[0].getsockname()[:2]
    print(f"mlflow_null_server.py: listening on http://{host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
