#!/usr/bin/env python3
"""Where samen-server's CPU goes, from a profile with call stacks: docs/performance/keystroke-cpu.md,
"Where a keystroke's CPU goes".

usage: perf script -i perf.data | python3 tests/bench/cpu_breakdown.py [µs per op]

Each sample is put in the first part below whose frames its stack holds (leaf to root: the
sync before SQLite, since SQLite calls it). With the server's CPU per op (samen-bench's
`server_cpu_us_per_op_schedstat` of the same run) the shares are also given in µs.
"""
import re
import sys

# (part, any of these in a frame's symbol), in the order a sample is matched against them.
PARTS = [
    ("the commit's sync (fdatasync: the data, the inode, the flush)", ["fdatasync"]),
    ("SQLite besides the sync (statements, B-trees, WAL frames, locks)", ["sqlite3", "libsqlite3"]),
    ("sending (Beast's write, sendmsg, loopback TCP)", ["sendmsg", "write_some_op", "do_write"]),
    ("receiving (Beast's read, recvmsg)", ["recvmsg", "read_some_op"]),
    ("waiting for the sockets (epoll)", ["epoll_wait", "epoll_reactor"]),
    ("the message in: JSON parse, session", ["ClientSession", "protocol::parse"]),
    ("the room: OT, rights, the edit's messages", ["rooms::Room", "samen::ot::", "samen::auth::"]),
    ("the store's queue and its threads", ["samen::store::"]),
    ("the scheduler: wake-ups and context switches", ["schedule", "finish_task_switch"]),
]


def frames(block):
    for line in block.splitlines()[1:]:
        line = line.strip()
        if line:
            yield re.sub(r"^[0-9a-f]+\s+", "", line)


def main():
    per_op = float(sys.argv[1]) if len(sys.argv) > 1 else None
    counts = {part: 0 for part, _ in PARTS}
    other = 0
    total = 0
    for block in sys.stdin.read().split("\n\n"):
        stack = list(frames(block))
        if not stack:
            continue
        total += 1
        for part, needles in PARTS:
            if any(n in f for f in stack for n in needles):
                counts[part] += 1
                break
        else:
            other += 1
    if total == 0:
        sys.exit("no samples with stacks: record with --call-graph dwarf")
    rows = list(counts.items()) + [("other (allocator, asio's handlers, libc)", other)]
    print(f"| part of samen-server's CPU ({total} samples) | share |" +
          (" µs per op |" if per_op else ""))
    print("|---|---:|" + ("---:|" if per_op else ""))
    for part, n in rows:
        share = n / total
        print(f"| {part} | {100 * share:.0f} % |" + (f" {share * per_op:.0f} |" if per_op else ""))


if __name__ == "__main__":
    main()
