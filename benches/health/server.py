#!/usr/bin/env python3
"""Benchmark servers for benches/health.sh (127.0.0.1 only).

  server.py ok PORTFILE     answers every request `200 ok` (HTTP/1.1 keep-alive)
  server.py hang PORTFILE   accepts connections and never answers

The chosen port is written to PORTFILE. asyncio on one core answers far
more requests per second than the probe needs, so the figures measure
readyctl, not this server.
"""
import asyncio
import sys

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


async def ok(reader, writer):
    buf = b""
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            buf += data
            while b"\r\n\r\n" in buf:
                _, buf = buf.split(b"\r\n\r\n", 1)
                writer.write(RESPONSE)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


held = []


async def hang(reader, writer):
    held.append(writer)
    await asyncio.Event().wait()


async def main():
    mode, portfile = sys.argv[1], sys.argv[2]
    handler = ok if mode == "ok" else hang
    server = await asyncio.start_server(handler, "127.0.0.1", 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    with open(portfile, "w") as f:
        f.write(str(port))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
