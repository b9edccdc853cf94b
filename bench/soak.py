"""The hostile part of bench/soak.sh, for SECONDS: SLOW clients that hold half-sent request
heads (a header byte every few seconds; when the server cuts one off, it comes back),
STALLED clients that ask for a big file and never read (they come back too), and a probe
that asks for a small file on a new connection every 100 ms and times the answer. Prints
one JSON object: the probe's latencies and failures, and what the hostile clients met.
Bounded: every wait has a timeout, and everything stops at SECONDS."""
import asyncio
import json
import resource
import statistics
import sys
import time


async def slow_client(host, port, stop, stats):
    """Slowloris: a request head that never ends, one header byte every 3 s."""
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
        except (OSError, asyncio.TimeoutError):
            stats["slow_connect_failures"] += 1
            await asyncio.sleep(1)
            continue
        stats["slow_connections"] += 1
        try:
            writer.write(b"GET /1k.bin HTTP/1.1\r\nHost: soak\r\nX-Slow: ")
            await writer.drain()
            while time.monotonic() < stop:
                await asyncio.sleep(3)
                writer.write(b"x")
                await writer.drain()
                if reader.at_eof():
                    break
            # The server answers 408 when the header timeout ends the wait.
        except (OSError, ConnectionError):
            stats["slow_cut_off"] += 1
        finally:
            writer.close()


async def stalled_client(host, port, stop, stats):
    """Asks for a big file, pipelined, and never reads a byte."""
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(1)
            continue
        stats["stalled_connections"] += 1
        try:
            writer.write(b"GET /20m.bin HTTP/1.1\r\nHost: soak\r\n\r\n" * 4)
            # Without reading, nothing more happens until the server gives up on us.
            while time.monotonic() < stop and not reader.at_eof():
                await asyncio.sleep(1)
        except (OSError, ConnectionError):
            pass
        finally:
            writer.close()


async def probe(host, port, stop, latencies, stats):
    request = b"GET /probe.txt HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n"
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
            writer.write(request)
            answer = await asyncio.wait_for(reader.read(), 5)
            writer.close()
            if answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"probe\n"):
                latencies.append((time.monotonic() - started) * 1000)
            else:
                stats["probe_failures"] += 1
        except (OSError, asyncio.TimeoutError):
            stats["probe_failures"] += 1
        await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - started)))


async def main():
    host, port, seconds, slow, stalled = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, slow + stalled + 1024), hard))
    stop = time.monotonic() + seconds
    stats = {k: 0 for k in ("slow_connections", "slow_connect_failures", "slow_cut_off", "stalled_connections",
                            "probe_failures")}
    latencies = []
    tasks = [asyncio.create_task(probe(host, port, stop, latencies, stats))]
    tasks += [asyncio.create_task(stalled_client(host, port, stop, stats)) for _ in range(stalled)]
    for i in range(slow):
        tasks.append(asyncio.create_task(slow_client(host, port, stop, stats)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)  # a ramp, not a SYN flood
    await asyncio.wait(tasks, timeout=seconds + 15)
    for t in tasks:
        t.cancel()
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0] * 99
    print(json.dumps({
        "probes": len(latencies) + stats["probe_failures"],
        "probe_p50_ms": round(q[49], 2), "probe_p99_ms": round(q[98], 2),
        "probe_max_ms": round(latencies[-1], 2) if latencies else 0,
        **stats,
    }))


if __name__ == "__main__":
    asyncio.run(main())
