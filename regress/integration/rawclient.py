# rawclient.py SOCKET CASE: talk to goprocd's control socket with bytes
# no goprocctl would send, and print what came back.
import os
import socket
import struct
import sys
import time

IMSG_CTL_PING, IMSG_CTL_ADD, IMSG_CTL_LIST = 1, 2, 3
IMSG_CTL_EXECED, IMSG_CTL_ENTRY = 9, 11
HDR = struct.Struct("=IIII")


def request(body):
    # The fixed request part: flags, pid, signo, wait_ms, nids, npids,
    # ntags, ntags_all, ngroups, ngroups_all, nnames, sort, limit, reserved.
    return body


def fixed(pid=0):
    return struct.pack("=IiiIIIIIIIIIIIIIII", 0, pid, 0, 0, 0, 0, 0, 0, 0, 0,
                       0, 0, 0, 0, 0, 0, 0, 0)


def strings(*values):
    out = b""
    for v in values:
        out += struct.pack("=H", len(v)) + v
    return out


def msg(mtype, payload, length=None):
    if length is None:
        length = HDR.size + len(payload)
    return HDR.pack(mtype, length, 0, os.getpid()) + payload


def replies(s, timeout=3.0):
    s.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        return "timeout"
    out = []
    while len(data) >= HDR.size:
        mtype, length, _, _ = HDR.unpack_from(data)
        length &= 0x7FFFFFFF
        payload = data[HDR.size:length]
        data = data[length:]
        if mtype == IMSG_CTL_ENTRY:
            out.append("type=%d" % mtype)
        elif len(payload) >= 10:
            status, count, n = struct.unpack_from("=iIH", payload)
            out.append("type=%d status=%d msg=%s" %
                       (mtype, status, payload[10:10 + n].decode()))
        else:
            out.append("type=%d" % mtype)
    return "\n".join(out) if out else "closed"


def main():
    path, case = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    if case == "random":
        s.sendall(os.urandom(4096))
    elif case == "liar":
        s.sendall(msg(IMSG_CTL_LIST, fixed(), length=0x10000000))
    elif case == "short-header":
        s.sendall(msg(IMSG_CTL_LIST, b"", length=8))
    elif case == "truncated":
        whole = msg(IMSG_CTL_LIST, fixed() + strings(b"", b"", b"", b"", b""))
        s.sendall(whole[:30])
        s.shutdown(socket.SHUT_WR)
    elif case == "unknown-type":
        s.sendall(msg(999, fixed()))
    elif case == "oversized-name":
        body = fixed(pid=1) + strings(b"x" * 5000, b"", b"", b"", b"")
        s.sendall(msg(IMSG_CTL_ADD, body))
    elif case == "bad-count":
        body = struct.pack("=IiiIIIIIIIIIIIIIII", 0, 0, 0, 0, 0, 0, 100000,
                           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        s.sendall(msg(IMSG_CTL_LIST, body))
    elif case == "two-requests":
        one = msg(IMSG_CTL_PING, fixed() + strings(b"", b"", b"", b"", b""))
        s.sendall(one + one)
    elif case == "silent":
        start = time.time()
        r = replies(s, timeout=30)
        print("%s after %d s" % (r, round(time.time() - start)))
        return
    elif case == "slow-list":
        # Ask for everything, read nothing for a while, then drain.
        body = fixed() + strings(b"", b"", b"", b"", b"")
        s.sendall(msg(IMSG_CTL_LIST, body))
        print("asked", flush=True)
        time.sleep(float(sys.argv[3]))
        s.settimeout(30)
        data, entries = b"", 0
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
            while len(data) >= HDR.size:
                mtype, length, _, _ = HDR.unpack_from(data)
                length &= 0x7FFFFFFF
                if len(data) < length:
                    break
                if mtype == IMSG_CTL_ENTRY:
                    entries += 1
                data = data[length:]
        print("entries=%d" % entries)
        return
    elif case == "hold-many":
        # Open N connections, see which of them the daemon refused at
        # once (it answered and hung up), hold the others until killed.
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        n = int(sys.argv[3])
        socks = [s]
        for _ in range(n - 1):
            t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            t.connect(path)
            socks.append(t)
        time.sleep(float(sys.argv[4]) if len(sys.argv) > 4 else 1)
        held, refused, why = 0, 0, ""
        for t in socks:
            try:
                data = t.recv(4096, socket.MSG_DONTWAIT | socket.MSG_PEEK)
            except BlockingIOError:
                held += 1
                continue
            except ConnectionResetError:
                data = b""
            refused += 1
            if len(data) >= HDR.size + 10 and not why:
                n = struct.unpack_from("=H", data, HDR.size + 8)[0]
                why = data[HDR.size + 10:HDR.size + 10 + n].decode()
            t.close()
        print("held=%d refused=%d %s" % (held, refused, why), flush=True)
        time.sleep(120)
        return
    elif case == "add-cmd":
        # ADD of PID (argv[3]) claiming the command line argv[4].
        body = fixed(pid=int(sys.argv[3])) + strings(
            b"", b"", b"", b"", sys.argv[4].encode())
        s.sendall(msg(IMSG_CTL_ADD, body))
    elif case == "execed":
        # EXECED of PID (argv[3]), entry ID (argv[4]), claiming argv[5].
        body = struct.pack("=IiiIIIIIIIIIIIIIII", 0, int(sys.argv[3]), 0, 0,
                           1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        body += struct.pack("=Q", int(sys.argv[4]))
        body += strings(b"", b"", b"", b"", sys.argv[5].encode())
        s.sendall(msg(IMSG_CTL_EXECED, body))
    elif case == "hold":
        # Keep the connection open, sending nothing, until killed.
        print("held", flush=True)
        time.sleep(60)
        return
    print(replies(s))


main()
