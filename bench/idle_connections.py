"""Opens N keep-alive connections to a local server, makes one request on each and keeps
them open, then reports the server's RSS growth. Bounded: N connections, 60 s at most."""
import resource
import socket
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    return 0


def main():
    host, port, count, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, count + 256)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    before = rss_kib(pid)
    deadline = time.time() + 60
    conns = []
    request = f"GET /1k.bin HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    for _ in range(count):
        if time.time() > deadline:
            break
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(request)
        conns.append(s)
    # Read every response so each connection is idle in keep-alive.
    for s in conns:
        got = b""
        while b"\r\n\r\n" not in got or len(got) < got.find(b"\r\n\r\n") + 4 + 1024:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    time.sleep(0.5)
    after = rss_kib(pid)
    print(f"  {len(conns)} idle keep-alive connections: RSS {before/1024:.1f} -> {after/1024:.1f} MiB, "
          f"+{(after-before)/1024:.1f} MiB (target <= 64 MiB)")
    for s in conns:
        s.close()


if __name__ == "__main__":
    main()
